//! Attacks the server stops, one test each, named for the attack.

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{
    available, confirmed_order, customer_and_staff, next_event, online_driver, order_body,
    spawn_app, spawn_app_on, Backend, TestApp, DEMO_PASSWORD, NEAR_TASCA,
};

async fn login_from(app: &TestApp, client: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", client)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_get_at_most_five_password_checks() {
    for backend in available([Backend::Sqlite, Backend::RedisSessions]) {
        let app = spawn_app_on(backend).await;
        // From 40 addresses at once, so only the per-account limit can hold.
        let guesses = (0..40).map(|i| {
            let app = &app;
            async move {
                let client = format!("198.51.100.{}", i + 1);
                login_from(
                    app,
                    &client,
                    "customer@mealstream.test",
                    &format!("guess-{i}"),
                )
                .await
            }
        });
        let answers = join_all(guesses).await;
        let checked = answers.iter().filter(|r| r.status() == 401).count();
        let refused: Vec<&reqwest::Response> =
            answers.iter().filter(|r| r.status() == 429).collect();
        assert!(
            checked <= 5,
            "{backend:?}: {checked} passwords were checked"
        );
        assert_eq!(checked + refused.len(), 40, "{backend:?}: only 401 and 429");
        let retry: u64 = refused[0].headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            retry > 0 && retry <= 15 * 60,
            "{backend:?}: Retry-After {retry}"
        );
        // The account stays locked for the window, even with its password.
        let res = login_from(
            &app,
            "198.51.100.200",
            "customer@mealstream.test",
            DEMO_PASSWORD,
        )
        .await;
        assert_eq!(res.status(), 429, "{backend:?}");
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(
            metrics.lines().any(
                |l| l.starts_with("mealstream_rate_limited_total") && l.contains("login-email")
            ),
            "{backend:?}: refusals are counted in /metrics"
        );
    }
}

#[tokio::test]
async fn a_sixty_kilobyte_email_never_becomes_a_rate_limit_key() {
    let app = spawn_app().await;
    let email = format!("{}@example.com", "a".repeat(60 * 1024));
    let res = app.login(&email, "whatever").await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["field"], "email");
}

#[tokio::test]
async fn a_sign_up_spree_from_one_address_is_cut_at_ten_an_hour() {
    let app = spawn_app().await;
    let sign_up = |client: &'static str, n: usize| {
        let app = app.other_client();
        async move {
            app.client
                .post(app.url("/api/auth/register"))
                .header("X-Forwarded-For", client)
                .json(&json!({
                    "email": format!("spree{n}-{}@example.com", client.replace(['.', ',', ' '], "-")),
                    "password": "a long enough password",
                    "name": "Spree",
                }))
                .send()
                .await
                .expect("request sent")
        }
    };
    for n in 0..10 {
        assert_eq!(sign_up("203.0.113.5", n).await.status(), 201, "sign-up {n}");
    }
    let res = sign_up("203.0.113.5", 10).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // Someone else, from another address, is not affected.
    assert_eq!(sign_up("203.0.113.6", 0).await.status(), 201);
    // A header from a client that is not a trusted proxy names nobody: the
    // server's own test client (127.0.0.1) is trusted here, a forged chain
    // still ends at the right-most untrusted hop.
    let res = sign_up("203.0.113.5, 203.0.113.7", 11).await;
    assert_eq!(res.status(), 201, "the hop the proxy saw is 203.0.113.7");
}

#[tokio::test]
async fn a_reused_idempotency_key_cannot_swap_the_order() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_on(backend).await;
        app.login_demo("customer@mealstream.test").await;
        let place = |quantity: i64| {
            let app = &app;
            async move {
                let body = order_body(app, quantity).await;
                app.client
                    .post(app.url("/api/orders"))
                    .header("Idempotency-Key", "checkout-42")
                    .json(&body)
                    .send()
                    .await
                    .expect("request sent")
            }
        };
        let first = place(1).await;
        assert_eq!(first.status(), 201, "{backend:?}");
        let first: Value = first.json().await.unwrap();
        // The same request again is a retry: the same order.
        let again = place(1).await;
        assert!(again.status().is_success());
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"], "{backend:?}");
        // Another body under the same key is refused, not answered with the first.
        let other = place(3).await;
        assert_eq!(other.status(), 422, "{backend:?}");
        let body: Value = other.json().await.unwrap();
        assert_eq!(body["error"]["code"], "idempotency_key_reused");
    }
}

#[tokio::test]
async fn signing_in_over_a_live_session_ends_that_sessions_sockets() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let (_socket, mut events) = app.socket(app.cookie_header().as_deref()).await;
    // Connected (in its session's room) before the second sign-in: the
    // engine.io handshake returns before the server has admitted the socket.
    next_event(&mut events, "hello").await.expect("hello");
    // Someone signs in on the same browser (the same cookie) as another user.
    app.login_demo("customer2@mealstream.test").await;
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("the old session's socket is told");
    assert_eq!(revoked["reason"], "signed in again");
}

#[tokio::test]
async fn two_accepts_by_one_driver_on_two_offers_give_one_delivery() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_on(backend).await;
        let driver = online_driver(&app, "driver@mealstream.test", NEAR_TASCA).await;
        let (customer, staff) = customer_and_staff(&app).await;
        let mut ids = Vec::new();
        for _ in 0..2 {
            ids.push(confirmed_order(&customer, &staff).await);
        }
        // Both are on offer to this driver at once.
        let offers: Value = driver.get("/api/driver/offers").await.json().await.unwrap();
        let offered: Vec<i64> = offers
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|o| o["orderId"].as_i64())
            .collect();
        assert!(
            ids.iter().all(|id| offered.contains(id)),
            "{backend:?}: {offers}"
        );
        let accept = |id: i64| {
            driver
                .client
                .post(driver.url(&format!("/api/orders/{id}/accept")))
                .send()
        };
        let (a, b) = tokio::join!(accept(ids[0]), accept(ids[1]));
        let mut codes = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
        codes.sort_unstable();
        assert_eq!(codes, [200, 409], "{backend:?}: one delivery at a time");
    }
}

#[tokio::test]
async fn a_cookie_from_before_a_suspension_is_dead_after_reinstatement() {
    for backend in available([Backend::Sqlite, Backend::RedisSessions]) {
        let app = spawn_app_on(backend).await;
        let victim = app.other_client();
        let who = victim.login_demo("customer2@mealstream.test").await;
        let id = who["id"].as_i64().expect("user id");
        let old_cookie = victim.cookie_header().expect("a session cookie");
        let admin = app.other_client();
        admin.login_demo("admin@mealstream.test").await;
        for step in ["suspend", "reinstate"] {
            let res = admin
                .post_json(&format!("/api/admin/users/{id}/{step}"), &json!({}))
                .await;
            assert_eq!(res.status(), 200, "{backend:?}: {step}");
        }
        // Replayed as it was (nothing touched the session in between).
        let res = reqwest::Client::new()
            .get(app.url("/api/me"))
            .header("Cookie", &old_cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{backend:?}: the old session is over");
        // The user signs in again as usual.
        app.other_client()
            .login_demo("customer2@mealstream.test")
            .await;
    }
}

#[tokio::test]
async fn the_sign_in_page_offers_the_demo_password_only_where_it_opens_something() {
    use crate::helpers::{spawn_app_opts, Opts};
    let bare = spawn_app_opts(
        Backend::Sqlite,
        None,
        None,
        Opts {
            demo: false,
            ..Opts::default()
        },
    )
    .await;
    let page = bare.get("/login").await.text().await.unwrap();
    assert!(page.contains("Sign in"), "the page renders");
    assert!(
        !page.contains("Demo accounts"),
        "no demo list without demo data"
    );
    let demo = spawn_app().await;
    let page = demo.get("/login").await.text().await.unwrap();
    assert!(page.contains("Demo accounts"), "listed where they exist");
}

#[tokio::test]
async fn behind_https_the_cookie_is_host_only_and_browsers_keep_to_https() {
    use crate::helpers::{spawn_app_opts, Opts};
    let app = spawn_app_opts(
        Backend::Sqlite,
        None,
        None,
        Opts {
            https: true,
            ..Opts::default()
        },
    )
    .await;
    let res = app.login("customer@mealstream.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let hsts = res.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-mealstream.sid="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
    // Only the public origin, exactly, is the site: not whatever Host says.
    let from = |origin: &'static str| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("Origin", origin)
            .json(&json!({ "email": "customer@mealstream.test", "password": DEMO_PASSWORD }))
            .send()
    };
    assert_eq!(
        from("https://mealstream.example").await.unwrap().status(),
        200
    );
    assert_eq!(
        from("http://mealstream.example").await.unwrap().status(),
        403,
        "scheme"
    );
    let local = format!("http://{}", app.addr);
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("Origin", local)
        .json(&json!({ "email": "customer@mealstream.test", "password": DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        403,
        "the Host header proves nothing behind a public URL"
    );
    // Plain http (the default here) has neither.
    let plain = spawn_app().await;
    let res = plain.get("/healthz").await;
    assert!(!res.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn a_dns_rebinding_page_cannot_sign_in_to_a_local_instance() {
    let app = spawn_app().await;
    let port = app.addr.port();
    let attempt = |host: String, origin: String| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("Host", host)
            .header("Origin", origin)
            .json(&json!({ "email": "admin@mealstream.test", "password": DEMO_PASSWORD }))
            .send()
    };
    // attacker.example resolves to 127.0.0.1: same Host and Origin, foreign name.
    let res = attempt(
        format!("attacker.example:{port}"),
        format!("http://attacker.example:{port}"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden_origin");
    // The page itself, on its own address, signs in.
    let res = attempt(
        format!("127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn forty_event_streams_from_one_user_are_mostly_refused() {
    for backend in available([Backend::Sqlite, Backend::RedisSessions]) {
        let app = spawn_app_on(backend).await;
        app.login_demo("customer@mealstream.test").await;
        let open = || app.client.get(app.url("/api/events/stream")).send();
        let answers = join_all((0..40).map(|_| open())).await;
        let statuses: Vec<u16> = answers
            .iter()
            .map(|r| r.as_ref().unwrap().status().as_u16())
            .collect();
        let streaming = statuses.iter().filter(|s| **s == 200).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!((streaming, refused), (10, 30), "{backend:?}: {statuses:?}");
        // Another user is not affected.
        let other = app.other_client();
        other.login_demo("customer2@mealstream.test").await;
        assert_eq!(other.get("/api/events/stream").await.status(), 200);
        // Closing streams gives their places back.
        drop(answers);
        let mut reopened = false;
        for _ in 0..50 {
            if open().await.unwrap().status() == 200 {
                reopened = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(reopened, "{backend:?}: a closed stream frees its place");
    }
}

#[tokio::test]
async fn a_socket_does_not_keep_rights_its_user_lost() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let (_socket, mut events) = app.socket(app.cookie_header().as_deref()).await;
    // Admitted as a customer first: a handshake read after the change
    // would rightly admit a driver, and nothing would lapse.
    next_event(&mut events, "hello").await.expect("hello");
    // The role changes behind the node's back (no event tells it).
    app.sqlite_exec("UPDATE users SET role = 'driver' WHERE email = 'customer@mealstream.test'")
        .await;
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("the next rights check ends the socket");
    assert_eq!(revoked["reason"], "signed out");
}
