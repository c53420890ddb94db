//! Abuse that costs the server, refused with 429 (or an error ack, or a
//! `connect_error`) and counted in `/metrics`, while everyone else carries
//! on: order sprees, reconnect loops, and a socket that acts on rights its
//! user lost a moment ago.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    emit_ack, next_event, order_body, spawn_app, spawn_app_opts, Backend, Opts, TestApp,
};

async fn app_with(opts: Opts) -> TestApp {
    spawn_app_opts(Backend::Sqlite, None, None, opts).await
}

#[tokio::test]
async fn an_order_spree_is_cut_at_the_customers_limit_per_minute() {
    let limit = mealstream_core::service::ctx::LimitSettings::default().orders_per_minute;
    let app = app_with(Opts {
        orders_per_minute: limit,
        ..Opts::default()
    })
    .await;
    app.login_demo("customer@mealstream.test").await;
    let body = order_body(&app, 1).await;
    for i in 0..limit {
        let res = app.post_json("/api/orders", &body).await;
        assert_eq!(res.status(), 201, "order {i} is within the limit");
    }
    let res = app.post_json("/api/orders", &body).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["error"]["code"], "rate_limited");
    // Another customer is not held back by the first one's spree.
    let other = app.other_client();
    other.login_demo("customer2@mealstream.test").await;
    assert_eq!(other.post_json("/api/orders", &body).await.status(), 201);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("mealstream_rate_limited_total") && l.contains("\"orders\"")),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_reconnect_loop_with_replay_is_refused_past_its_limit_a_minute() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let cookie = app.cookie_header();
    let resume = json!({ "lastEventId": 0 });
    let limit = 120;
    for i in 0..limit {
        let (socket, mut events) = app
            .socket_with_auth(cookie.as_deref(), resume.clone())
            .await;
        assert!(
            next_event(&mut events, "hello").await.is_some(),
            "reconnect {i} is replayed"
        );
        socket.disconnect().await.expect("disconnects");
    }
    let (_socket, mut events) = app
        .socket_with_auth(cookie.as_deref(), resume.clone())
        .await;
    let error = next_event(&mut events, "error")
        .await
        .expect("one more is refused");
    assert!(error.to_string().contains("rate_limited"), "{error}");
    // Connecting without asking for a replay reads no log: still allowed.
    let (_socket, mut events) = app.socket(cookie.as_deref()).await;
    assert!(next_event(&mut events, "hello").await.is_some());
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("mealstream_rate_limited_total") && l.contains("\"replay\"")),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_socket_cannot_act_on_rights_its_user_lost_a_moment_ago() {
    // The periodic check is far away: only the request's own check can stop it.
    let app = app_with(Opts {
        rights_recheck: Duration::from_secs(3600),
        ..Opts::default()
    })
    .await;
    let (_staff, socket, mut events, _) = app.connect_as("restaurant@mealstream.test").await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let order = customer.place_order().await;
    let watch = json!({ "orderId": order["id"] });
    let ack = emit_ack(&socket, "order:watch", watch.clone()).await;
    assert_eq!(
        ack["ok"], true,
        "staff follow their restaurant's order: {ack}"
    );
    // The account leaves the restaurant, behind the node's back.
    app.sqlite_exec(
        "DELETE FROM restaurant_staff WHERE user_id = \
         (SELECT id FROM users WHERE email = 'restaurant@mealstream.test')",
    )
    .await;
    let ack = emit_ack(&socket, "order:watch", watch).await;
    assert_eq!(ack["ok"], false, "{ack}");
    assert_eq!(ack["error"]["code"], "unauthenticated", "{ack}");
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("the socket is ended too");
    assert_eq!(revoked["reason"], "signed out");
}
