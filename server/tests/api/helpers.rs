//! `spawn_app()`: the real server on a random port with a fresh database,
//! and a client with a cookie jar.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::service::retention::Retention;
use futures_util::FutureExt;
use reqwest::cookie::{CookieStore, Jar};
use rust_socketio::asynchronous::{Client as SocketClient, ClientBuilder};
use rust_socketio::{Event, Payload};
use serde_json::{json, Value};
use server::config::Config;
use server::startup::Application;
use sqlx::{Connection, Executor};
use tokio::sync::mpsc;

pub const DEMO_PASSWORD: &str = "mealstream";

/// Where a test app keeps its data.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    /// A new SQLite file, memory sessions.
    Sqlite,
    /// A new PostgreSQL database (`TEST_DATABASE_URL`), memory sessions.
    Postgres,
    /// A new SQLite file, sessions in Redis (`TEST_REDIS_URL`).
    RedisSessions,
}

/// Whether the services `backends` need are configured: `TEST_DATABASE_URL`
/// for PostgreSQL, `TEST_REDIS_URL` for Redis. `scripts/test.sh` sets both
/// (and starts the services), so it runs every test; a plain `cargo test`
/// on a laptop without them runs the rest and says what it skipped. A test
/// calls this first and returns when it is `false`.
pub fn configured(backends: &[Backend]) -> bool {
    let missing: Vec<&str> = backends
        .iter()
        .filter_map(|b| match b {
            Backend::Sqlite => None,
            Backend::Postgres => Some("TEST_DATABASE_URL"),
            Backend::RedisSessions => Some("TEST_REDIS_URL"),
        })
        .filter(|var| std::env::var(var).map_or(true, |v| v.trim().is_empty()))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    eprintln!("skipped {test}: {} not set", missing.join(" and "));
    false
}

/// `backends` without those that are not configured (see [`configured`]).
pub fn available<const N: usize>(backends: [Backend; N]) -> Vec<Backend> {
    backends.into_iter().filter(|b| configured(&[*b])).collect()
}

/// PostgreSQL and Redis both: what several nodes need.
pub const CLUSTER: [Backend; 2] = [Backend::Postgres, Backend::RedisSessions];

pub struct TestApp {
    pub redis_prefix: String,
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
    data_dir: Option<PathBuf>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

pub async fn spawn_app_on(backend: Backend) -> TestApp {
    spawn_app_with(backend, None, None).await
}

/// Like [`spawn_app_on`], with a given database URL (PostgreSQL) and Redis
/// (sessions, positions, broadcasts): a fault-injecting proxy, say.
pub async fn spawn_app_with(
    backend: Backend,
    database_url: Option<String>,
    redis_url: Option<String>,
) -> TestApp {
    spawn_app_opts(backend, database_url, redis_url, Opts::default()).await
}

/// What a test app may do differently from the default.
pub struct Opts {
    /// Seed the demo data (default); `false` leaves the database empty.
    pub demo: bool,
    /// Behave as behind https (`MEALSTREAM_PUBLIC_URL=https://…`).
    pub https: bool,
    /// Orders per customer per minute; tests place many, so 0 (no limit)
    /// unless a test is about the limit.
    pub orders_per_minute: u32,
    /// How long offers stay in the event log (default: the server's).
    pub offer_retention: Option<Duration>,
    /// How often sockets' rights are re-checked (default: half a second).
    pub rights_recheck: Duration,
}

impl Default for Opts {
    fn default() -> Self {
        Self {
            demo: true,
            https: false,
            orders_per_minute: 0,
            offer_retention: None,
            rights_recheck: Duration::from_millis(500),
        }
    }
}

pub async fn spawn_app_opts(
    backend: Backend,
    database_url: Option<String>,
    redis_url: Option<String>,
    Opts {
        demo,
        https,
        orders_per_minute,
        offer_retention,
        rights_recheck,
    }: Opts,
) -> TestApp {
    let (database_url, data_dir) = match (backend, database_url) {
        (Backend::Postgres, Some(url)) => (url, None),
        (Backend::Postgres, None) => (fresh_postgres_database().await, None),
        (Backend::Sqlite | Backend::RedisSessions, _) => {
            let dir = std::env::temp_dir().join(format!("mealstream-test-{}", unique_suffix()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            (format!("sqlite://{}/test.db", dir.display()), Some(dir))
        }
    };
    let redis_url = match backend {
        _ if redis_url.is_some() => redis_url,
        Backend::RedisSessions => Some(
            std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
        ),
        _ => None,
    };
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url,
        redis_url,
        // Tests share one Redis: each app keeps to its own keys.
        redis_prefix: format!("mealstream-test-{}", unique_suffix()),
        demo,
        site_root: PathBuf::from("target/site"),
        secure_cookies: https,
        tile_url: app::tiles::DEFAULT_TILE_URL.into(),
        allowed_origins: vec!["http://trusted.example".into()],
        public_origin: https.then(|| "https://mealstream.example".to_owned()),
        // Tests stand for many clients by naming them in X-Forwarded-For.
        trusted_proxies: app::service::client_addr::TrustedProxies::parse("127.0.0.1").unwrap(),
        // Short, so a test sees a lapsed right end its socket quickly.
        rights_recheck,
        limits: app::service::ctx::LimitSettings { orders_per_minute },
        retention: match offer_retention {
            None => Retention::default(),
            // Pruned often, so a test sees it soon.
            Some(offers) => Retention {
                every: Duration::from_millis(200),
                offers,
                ..Retention::default()
            },
        },
    };
    let redis_prefix = config.redis_prefix.clone();
    let app = Application::build(config).await.expect("the app builds");
    let addr = app.local_addr();
    tokio::spawn(app.run_until(std::future::pending()));
    let jar = Arc::new(Jar::default());
    TestApp {
        redis_prefix,
        addr,
        base: format!("http://{addr}"),
        client: new_client(jar.clone()),
        jar,
        data_dir,
    }
}

fn new_client(jar: Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

/// A new database on the PostgreSQL server of `TEST_DATABASE_URL`.
pub async fn fresh_postgres_database() -> String {
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&admin_url)
        .await
        .expect("PostgreSQL is reachable at TEST_DATABASE_URL");
    let name = format!("mealstream_test_{}", unique_suffix());
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database");
    let (server, _) = admin_url.rsplit_once('/').expect("database URL has a path");
    format!("{server}/{name}")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(dir) = &self.data_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl TestApp {
    /// Runs `statement` on the app's SQLite database, behind the server's
    /// back: what another node, or an operator, might have changed.
    pub async fn sqlite_exec(&self, statement: &str) {
        let dir = self.data_dir.as_ref().expect("a SQLite test app");
        let url = format!("sqlite://{}/test.db", dir.display());
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("open the database");
        conn.execute(statement).await.expect("statement runs");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/auth/login",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Signs in a demo account and checks it worked.
    pub async fn login_demo(&self, email: &str) -> Value {
        let res = self.login(email, DEMO_PASSWORD).await;
        assert_eq!(res.status(), 200, "demo login for {email}");
        res.json().await.unwrap()
    }

    /// A client of the server at `base` (another process), with `jar`:
    /// cookies do not depend on the port, so one jar signs in on every node.
    pub fn client_of(base: &str, jar: Arc<Jar>) -> TestApp {
        let addr = base
            .trim_start_matches("http://")
            .parse()
            .expect("host:port");
        TestApp {
            redis_prefix: String::new(),
            addr,
            base: base.to_owned(),
            client: new_client(jar.clone()),
            jar,
            data_dir: None,
        }
    }

    /// A second client of the same server, with its own cookie jar.
    pub fn other_client(&self) -> TestApp {
        let jar = Arc::new(Jar::default());
        TestApp {
            redis_prefix: self.redis_prefix.clone(),
            addr: self.addr,
            base: self.base.clone(),
            client: new_client(jar.clone()),
            jar,
            data_dir: None,
        }
    }

    /// The `Cookie` header this client sends.
    pub fn cookie_header(&self) -> Option<String> {
        let url = self.base.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookie_header()?
            .split("; ")
            .find_map(|c| c.strip_prefix("mealstream.sid=").map(str::to_owned))
    }

    /// A real Socket.IO client sending `cookie`; every event it receives
    /// (and every connect error) arrives on the returned channel.
    pub async fn socket(
        &self,
        cookie: Option<&str>,
    ) -> (SocketClient, mpsc::UnboundedReceiver<(String, Value)>) {
        self.socket_with_auth(cookie, Value::Null).await
    }

    /// Like [`socket`](Self::socket), with a handshake `auth` payload.
    pub async fn socket_with_auth(
        &self,
        cookie: Option<&str>,
        auth: Value,
    ) -> (SocketClient, mpsc::UnboundedReceiver<(String, Value)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut builder = ClientBuilder::new(self.base.clone())
            .namespace("/")
            .reconnect(false);
        if !auth.is_null() {
            builder = builder.auth(auth);
        }
        if let Some(cookie) = cookie {
            builder = builder.opening_header("Cookie", cookie);
        }
        let forward = |tx: mpsc::UnboundedSender<(String, Value)>| {
            move |event: Event, payload: Payload| {
                let _ = tx.send((event.as_str().to_owned(), payload_value(payload)));
            }
        };
        let on_any = forward(tx.clone());
        let builder = builder.on_any(move |event, payload, _| {
            on_any(event, payload);
            async {}.boxed()
        });
        let builder = [Event::Error, Event::Connect, Event::Close]
            .into_iter()
            .fold(builder, |b, event| {
                let send = forward(tx.clone());
                let name = event.clone();
                b.on(event, move |payload, _| {
                    send(name.clone(), payload);
                    async {}.boxed()
                })
            });
        let client = builder.connect().await.expect("engine.io handshake");
        (client, rx)
    }
}

fn payload_value(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut values) if values.len() == 1 => values.remove(0),
        Payload::Text(values) => Value::Array(values),
        #[allow(deprecated)]
        Payload::String(s) => Value::String(s),
        Payload::Binary(_) => Value::Null,
    }
}

/// Waits for the next event called `name`, skipping others.
pub async fn next_event(
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    name: &str,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some((event, value))) if event == name => return Some(value),
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return None,
        }
    }
}

/// Emits `event` with `payload` and waits for the server's acknowledgement.
pub async fn emit_ack(client: &SocketClient, event: &str, payload: Value) -> Value {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    client
        .emit_with_ack(
            event,
            payload,
            Duration::from_secs(5),
            move |payload: Payload, _| {
                if let Some(tx) = tx.lock().unwrap().take() {
                    // An ack's arguments arrive as one array: the answer is its first.
                    let answer = match payload_value(payload) {
                        Value::Array(mut args) if !args.is_empty() => args.remove(0),
                        other => other,
                    };
                    let _ = tx.send(answer);
                }
                async {}.boxed()
            },
        )
        .await
        .expect("emit");
    tokio::time::timeout(Duration::from_secs(6), rx)
        .await
        .expect("an ack in time")
        .expect("ack")
}

/// Waits briefly and returns every event that arrived, for "nothing came" checks.
pub async fn drain(
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    wait: Duration,
) -> Vec<(String, Value)> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(item)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        got.push(item);
    }
    got
}

impl TestApp {
    /// A signed-in client of its own and its live socket, past `hello`.
    pub async fn connect_as(
        &self,
        email: &str,
    ) -> (
        TestApp,
        SocketClient,
        mpsc::UnboundedReceiver<(String, Value)>,
        Value,
    ) {
        let client = self.other_client();
        let user = client.login_demo(email).await;
        let (socket, mut events) = client.socket(client.cookie_header().as_deref()).await;
        next_event(&mut events, "hello").await.expect("hello");
        (client, socket, events, user)
    }

    /// A placed order of one item of the first restaurant (Tasca do Rossio).
    pub async fn place_order(&self) -> Value {
        let body = order_body(self, 1).await;
        let res = self.post_json("/api/orders", &body).await;
        assert_eq!(res.status(), 201, "checkout");
        res.json().await.unwrap()
    }

    pub async fn set_status(&self, order_id: i64, status: &str) -> reqwest::Response {
        self.post_json(
            &format!("/api/orders/{order_id}/status"),
            &json!({ "status": status }),
        )
        .await
    }
}

/// The id of the restaurant that `restaurant@mealstream.test` works for.
pub async fn tasca(app: &TestApp) -> Value {
    let list: Vec<Value> = app.get("/api/restaurants").await.json().await.unwrap();
    let tasca = list
        .into_iter()
        .find(|r| r["name"] == "Tasca do Rossio")
        .expect("demo restaurant");
    app.get(&format!("/api/restaurants/{}", tasca["id"]))
        .await
        .json()
        .await
        .unwrap()
}

pub async fn order_body(app: &TestApp, quantity: i64) -> Value {
    let restaurant = tasca(app).await;
    json!({
        "restaurantId": restaurant["id"],
        "items": [{ "menuItemId": restaurant["menu"][0]["id"], "quantity": quantity }],
        "dropoff": { "address": "Praça do Comércio 1, Lisboa", "lat": 38.7076, "lng": -9.1365 },
    })
}

/// A spot a few metres from Tasca do Rossio, the demo's first restaurant.
pub const NEAR_TASCA: (f64, f64) = (38.7125, -9.1380);

/// The demo customer and the staff of Tasca do Rossio, each signed in on
/// a client of their own.
pub async fn customer_and_staff(app: &TestApp) -> (TestApp, TestApp) {
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    (customer, staff)
}

/// An order `customer` placed and `staff` confirmed: on offer to the
/// drivers online near the restaurant. Returns its id.
pub async fn confirmed_order(customer: &TestApp, staff: &TestApp) -> i64 {
    let id = customer.place_order().await["id"].as_i64().unwrap();
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 200);
    id
}

/// A demo driver, signed in on a client of its own, online at `at`.
pub async fn online_driver(app: &TestApp, email: &str, at: (f64, f64)) -> TestApp {
    let driver = app.other_client();
    driver.login_demo(email).await;
    let res = driver
        .post_json("/api/driver/availability", &json!({ "online": true }))
        .await;
    assert_eq!(res.status(), 200);
    let res = driver
        .post_json("/api/driver/location", &json!({ "lat": at.0, "lng": at.1 }))
        .await;
    assert_eq!(res.status(), 202);
    driver
}
