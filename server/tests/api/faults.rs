//! Faults: Redis goes away mid-run (a proxy in front of it drops every
//! connection). Requests that need it get a 503 JSON, `/readyz` says so,
//! nothing panics, and everything recovers by itself when it returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::{fresh_postgres_database, spawn_app_with, Backend};

/// A TCP proxy to a test service that can be cut and restored.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Proxy {
    async fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = watch::channel(0u64);
        let target = target.to_owned();
        let (flag, cuts) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped: connection refused, in effect
                }
                let mut cut = cuts.subscribe();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy { port, up, cut }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn redis_going_away_gives_503_json_and_the_node_recovers_by_itself() {
    if !crate::helpers::configured(&[crate::helpers::Backend::RedisSessions]) {
        return;
    }
    let proxy = Proxy::start("127.0.0.1:6379").await;
    let redis = format!("redis://127.0.0.1:{}", proxy.port);
    let app = spawn_app_with(Backend::Sqlite, None, Some(redis)).await;
    app.login_demo("customer@mealstream.test").await;
    assert_eq!(app.get("/api/me").await.status(), 200);

    proxy.down();
    let me = app.get("/api/me").await;
    assert_eq!(me.status(), 503, "a request that needs the session store");
    let body: Value = me.json().await.expect("a JSON body");
    assert_eq!(body["error"]["code"], "unavailable");
    let login = app
        .post_json(
            "/api/auth/login",
            &json!({ "email": "customer2@mealstream.test", "password": "mealstream" }),
        )
        .await;
    assert_eq!(login.status(), 503);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(
        (ready["database"].as_str(), ready["redis"].as_str()),
        (Some("ok"), Some("unavailable"))
    );
    // What needs no Redis keeps working.
    assert_eq!(app.get("/api/restaurants").await.status(), 200);

    proxy.up();
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(recovered, "ready again once Redis is back");
    assert_eq!(
        app.get("/api/me").await.status(),
        200,
        "the session survived the outage"
    );
}

#[tokio::test]
async fn postgres_going_away_gives_503_json_and_the_node_recovers_by_itself() {
    if !crate::helpers::configured(&[crate::helpers::Backend::Postgres]) {
        return;
    }
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let direct = fresh_postgres_database().await;
    let via_proxy = direct.replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port), 1);
    assert_ne!(
        direct, via_proxy,
        "the test database URL points at 127.0.0.1:5432"
    );
    let app = spawn_app_with(Backend::Postgres, Some(via_proxy), None).await;
    app.login_demo("customer@mealstream.test").await;
    let before = app.place_order().await;

    proxy.down();
    for path in ["/api/restaurants", "/api/orders"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 503, "{path}");
        let body: Value = res.json().await.expect("a JSON body");
        assert_eq!(body["error"]["code"], "unavailable");
    }
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process itself is fine"
    );

    proxy.up();
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(recovered, "ready again once PostgreSQL is back");
    let orders: Vec<Value> = app.get("/api/orders").await.json().await.unwrap();
    assert_eq!(orders[0]["id"], before["id"], "nothing stored was lost");
}
