//! Limits and hardening: foreign origins, oversized and flooding socket
//! events, too many sockets, security headers, and `/metrics`. Each is
//! refused cleanly while other users carry on.

use std::time::Duration;

use rust_socketio::asynchronous::ClientBuilder;
use serde_json::{json, Value};

use crate::helpers::{drain, emit_ack, next_event, order_body, spawn_app};

#[tokio::test]
async fn a_foreign_origin_cannot_open_a_socket_or_write_with_the_users_cookie() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let cookie = app.cookie_header().unwrap();
    let foreign = ClientBuilder::new(app.base.clone())
        .opening_header("Cookie", cookie.as_str())
        .opening_header("Origin", "http://evil.example")
        .reconnect(false)
        .connect()
        .await;
    assert!(
        foreign.is_err(),
        "the handshake from a foreign page is refused"
    );

    let body = order_body(&app, 1).await;
    let res = app
        .client
        .post(app.url("/api/orders"))
        .header("Origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["error"]["code"], "forbidden_origin");
    let mine: Vec<Value> = app.get("/api/orders").await.json().await.unwrap();
    assert!(mine.is_empty(), "nothing was placed");

    // The site's own origin, and a listed one (with CORS headers), pass.
    let own = format!("http://{}", app.addr);
    let res = app
        .client
        .post(app.url("/api/orders"))
        .header("Origin", &own)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/orders"))
        .header("Origin", "http://trusted.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200, "tower-http's CorsLayer answers");
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://trusted.example"
    );
    assert_eq!(
        preflight.headers()["access-control-allow-credentials"],
        "true"
    );
    let res = app
        .client
        .post(app.url("/api/orders"))
        .header("Origin", "http://trusted.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "http://trusted.example"
    );
}

#[tokio::test]
async fn an_oversized_socket_event_gets_an_error_ack_and_the_socket_stays() {
    let app = spawn_app().await;
    let (client, socket, _events, _) = app.connect_as("customer@mealstream.test").await;
    let big = json!({ "orderId": 1, "padding": "x".repeat(20 * 1024) });
    let ack = emit_ack(&socket, "order:watch", big).await;
    assert_eq!(ack["ok"], false);
    assert_eq!(ack["error"]["code"], "too_large");
    let id = client.place_order().await["id"].clone();
    let ack = emit_ack(&socket, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["ok"], true, "the same socket still works: {ack}");
}

#[tokio::test]
async fn an_unknown_socket_event_gets_an_error_ack_and_the_socket_stays() {
    let app = spawn_app().await;
    let (client, socket, _events, _) = app.connect_as("customer@mealstream.test").await;
    let ack = emit_ack(&socket, "order:delete_everything", json!({ "orderId": 1 })).await;
    assert_eq!(ack["ok"], false);
    assert_eq!(ack["error"]["code"], "invalid");
    assert!(
        ack["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("order:delete_everything")),
        "{ack}"
    );
    let id = client.place_order().await["id"].clone();
    let ack = emit_ack(&socket, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["ok"], true, "the same socket still works: {ack}");
}

#[tokio::test]
async fn a_socket_flood_is_rate_limited_and_other_users_are_unaffected() {
    let app = spawn_app().await;
    let (_c, flooder, _e, _) = app.connect_as("customer@mealstream.test").await;
    let (_d, calm, _f, _) = app.connect_as("customer2@mealstream.test").await;
    let mut acks = Vec::new();
    for _ in 0..40 {
        acks.push(emit_ack(&flooder, "order:unwatch", json!({ "orderId": 1 })).await);
    }
    let limited = acks
        .iter()
        .filter(|a| a["error"]["code"] == "rate_limited")
        .count();
    assert!(
        limited > 0,
        "some of 40 events in a burst are refused: {acks:?}"
    );
    assert!(
        acks.iter().filter(|a| a["ok"] == true).count() >= 20,
        "the budget itself is served"
    );
    let ack = emit_ack(&calm, "order:unwatch", json!({ "orderId": 1 })).await;
    assert_eq!(ack["ok"], true, "another user is unaffected");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("mealstream_rate_limited_total{kind=\"socket_events\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_twenty_first_socket_closes_the_oldest() {
    let app = spawn_app().await;
    app.login_demo("driver@mealstream.test").await;
    let cookie = app.cookie_header();
    let (first, mut first_events) = app.socket(cookie.as_deref()).await;
    next_event(&mut first_events, "hello").await.expect("hello");
    let mut others = Vec::new();
    for _ in 0..20 {
        let (socket, mut events) = app.socket(cookie.as_deref()).await;
        next_event(&mut events, "hello").await.expect("hello");
        others.push((socket, events));
    }
    let got = drain(&mut first_events, Duration::from_secs(2)).await;
    assert!(
        got.iter().any(|(name, _)| name == "close"),
        "the oldest socket is closed: {got:?}"
    );
    let (newest, _) = others.last().unwrap();
    let ack = emit_ack(newest, "driver:availability", json!({ "online": false })).await;
    assert_eq!(ack["ok"], true);
    drop(first);
}

/// The response's Content-Security-Policy.
fn policy(res: &reqwest::Response) -> String {
    res.headers()["content-security-policy"]
        .to_str()
        .expect("an ASCII policy")
        .to_owned()
}

#[tokio::test]
async fn responses_carry_security_headers_and_pages_a_nonce_policy() {
    let app = spawn_app().await;
    let page = app.get("/").await;
    let csp = policy(&page);
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    // A page is one user's at one moment: Back must render it afresh.
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(
        page.headers()["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the inline scripts carry the nonce"
    );
    let others: Vec<&str> = html
        .split("nonce=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|n| *n != nonce)
        .collect();
    assert!(others.is_empty(), "every nonce is the header's: {others:?}");
    // The 404 page is rendered by the fallback: it has the policy too.
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.status(), 404);
    let csp404 = policy(&missing);
    assert!(csp404.contains("'nonce-"), "{csp404}");
    assert_eq!(missing.headers()["cache-control"], "no-store");
    // Each page gets its own nonce.
    assert_ne!(policy(&app.get("/").await), csp);

    let api = app.get("/api/restaurants").await;
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(api.headers()["x-frame-options"], "DENY");
    assert_eq!(
        api.headers()["x-request-id"].len(),
        36,
        "every response names its request"
    );
    let traced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        traced.headers()["x-request-id"],
        "abc-123",
        "a caller's id is kept"
    );
}

#[tokio::test]
async fn metrics_show_sockets_events_emit_latency_and_http_routes() {
    let app = spawn_app().await;
    let (customer, _socket, mut events, _) = app.connect_as("customer@mealstream.test").await;
    customer.place_order().await;
    next_event(&mut events, "order:created")
        .await
        .expect("created");
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for needle in [
        "mealstream_sockets{role=\"customer\"}",
        "mealstream_events_emitted_total{type=\"order:created\"}",
        "mealstream_emit_latency_seconds_bucket",
        "mealstream_http_request_duration_seconds_bucket{route=\"/api/orders\",method=\"POST\",status=\"201\"",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
}

#[tokio::test]
async fn shared_rate_limit_counters_always_expire() {
    use fred::prelude::{ClientLike, Config, KeysInterface, Pool};
    if !crate::helpers::configured(&[crate::helpers::Backend::RedisSessions]) {
        return;
    }
    let app = crate::helpers::spawn_app_on(crate::helpers::Backend::RedisSessions).await;
    for _ in 0..2 {
        assert_eq!(
            app.login("customer2@mealstream.test", "not the password")
                .await
                .status(),
            401
        );
    }
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let redis = Pool::new(Config::from_url(&url).unwrap(), None, None, None, 1).unwrap();
    redis.init().await.unwrap();
    let key = format!(
        "{}:rl:login-email:customer2@mealstream.test",
        app.redis_prefix
    );
    let count: Option<i64> = redis.get(&key).await.unwrap();
    assert_eq!(count, Some(2));
    let ttl: i64 = redis.pttl(&key).await.unwrap();
    assert!(
        ttl > 0 && ttl <= 15 * 60 * 1000,
        "the counter expires with its window: {ttl}"
    );
}
