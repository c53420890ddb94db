//! `spawn_app()`: the real server on a random port with a fresh database,
//! and a client with a cookie jar.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mealstream_core::service::retention::Retention;
use reqwest::cookie::{CookieStore, Jar};
use serde_json::{json, Value};
use server::config::Config;
use server::startup::Application;
use sqlx::{Connection, Executor};

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
    /// The app's database, for checks of what it stored (empty for a
    /// client of a server in another process).
    pub database_url: String,
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
        database_url: database_url.clone(),
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
        trusted_proxies: mealstream_core::service::client_addr::TrustedProxies::parse("127.0.0.1")
            .unwrap(),
        // Short, so a test sees a lapsed right end its socket quickly.
        rights_recheck,
        limits: mealstream_core::service::ctx::LimitSettings { orders_per_minute },
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
        database_url,
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

    /// A GET that must answer 2xx with a JSON list.
    pub async fn get_list(&self, path: &str) -> Vec<Value> {
        let res = self.get(path).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.expect("a JSON list")
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
            database_url: String::new(),
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
            database_url: self.database_url.clone(),
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
}

mod demo;
mod log;
mod sockets;

pub use demo::*;
pub use log::*;
pub use sockets::*;
