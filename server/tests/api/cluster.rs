//! Real `mealstream` processes for the several-node tests: each started on
//! a free port against one PostgreSQL database and one Redis prefix, as
//! behind a load balancer, and killed when dropped.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::Jar;
use tokio::process::{Child, Command};

use crate::helpers::{fresh_postgres_database, unique_suffix, TestApp};

/// One server process. Killed when dropped.
pub struct Node {
    pub child: Child,
    pub base: String,
    log: std::path::PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Node {
    /// Starts `mealstream serve` and waits until it answers `/readyz`.
    async fn start(database_url: &str, redis_prefix: &str, demo: bool) -> Node {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("mealstream-node-{}.log", unique_suffix()));
        let out = std::fs::File::create(&log).expect("node log");
        let redis =
            std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let child = Command::new(env!("CARGO_BIN_EXE_mealstream"))
            .arg(if demo { "--demo" } else { "--no-demo" })
            .env("MEALSTREAM_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("REDIS_URL", redis)
            .env("MEALSTREAM_REDIS_PREFIX", redis_prefix)
            // Tests place orders far faster than customers do.
            .env("MEALSTREAM_ORDERS_PER_MINUTE", "0")
            .env(
                "RUST_LOG",
                std::env::var("TEST_NODE_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the mealstream binary starts");
        let node = Node {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let probe = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(res) = probe.get(format!("{}/readyz", node.base)).send().await {
                if res.status() == 200 {
                    return node;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("node did not become ready:\n{}", node.output());
    }

    pub fn client(&self, jar: Arc<Jar>) -> TestApp {
        TestApp::client_of(&self.base, jar)
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the node is running")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Two nodes of one deployment: same database, same Redis and prefix.
pub async fn cluster() -> (Node, Node) {
    let database_url = fresh_postgres_database().await;
    let prefix = format!("mealstream-nodes-{}", unique_suffix());
    // The first migrates and seeds; the second finds it done.
    let a = Node::start(&database_url, &prefix, true).await;
    let b = Node::start(&database_url, &prefix, false).await;
    (a, b)
}

pub fn jar() -> Arc<Jar> {
    Arc::new(Jar::default())
}
