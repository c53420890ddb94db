//! The servers the load generator drives, each started fresh as its own
//! processes so their memory and CPU can be read from /proc: Mealstream
//! (`mealstream serve`, a new database every time; one node or two sharing
//! PostgreSQL and Redis), the Node Socket.IO relay peer, the Node
//! Express + pg same-work peer and the raw WebSocket floor (`mealstream floor`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use tokio::process::{Child, Command};

use super::seeds::{SeedDb, Seeds};
use super::usage::ProcSample;
use super::wire::{Dial, Framing};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Mealstream,
    /// Two `mealstream serve` processes on one database and one Redis.
    #[serde(rename = "mealstream-2-nodes")]
    MealstreamTwoNodes,
    SocketioNode,
    /// Does the same work as Mealstream on a change, the field notes' way.
    ExpressPg,
    Floor,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Mealstream => "Mealstream",
            Kind::MealstreamTwoNodes => "Mealstream (2 nodes)",
            Kind::SocketioNode => "Node Socket.IO 4.8",
            Kind::ExpressPg => "Node Express + pg + socket.io (same work)",
            Kind::Floor => "raw WebSocket floor",
        }
    }

    /// Mealstream, on however many nodes: signed-in sockets, real orders.
    pub fn is_mealstream(self) -> bool {
        matches!(self, Kind::Mealstream | Kind::MealstreamTwoNodes)
    }
}

/// How to start the servers: Mealstream embedded (SQLite, memory) unless told otherwise.
#[derive(Clone, Debug, Default)]
pub struct ServerOpts {
    /// A PostgreSQL server URL: a fresh database is created on it for each
    /// run of Mealstream and of the same-work peer.
    pub postgres: Option<String>,
    pub redis: Option<String>,
    pub node_peer_dir: PathBuf,
    pub express_pg_peer_dir: PathBuf,
    pub server_bin: Option<PathBuf>,
}

impl ServerOpts {
    fn bin(&self) -> anyhow::Result<PathBuf> {
        match &self.server_bin {
            Some(b) => Ok(b.clone()),
            None => Ok(std::env::current_exe()?),
        }
    }
}

pub struct Target {
    pub kind: Kind,
    /// One address per process; connections and requests alternate over them.
    addrs: Vec<SocketAddr>,
    pub database_url: Option<String>,
    seeds: Arc<dyn Seeds>,
    children: Vec<Child>,
    dir: PathBuf,
}

static RUN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn free_port() -> anyhow::Result<SocketAddr> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?)
}

fn scratch_dir() -> anyhow::Result<PathBuf> {
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mealstream-loadtest-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn log_path(dir: &Path, process: usize) -> PathBuf {
    dir.join(format!("server-{process}.log"))
}

fn log_file(path: &Path) -> anyhow::Result<(Stdio, Stdio)> {
    let f = std::fs::File::create(path)?;
    Ok((Stdio::from(f.try_clone()?), Stdio::from(f)))
}

/// Installs a Node peer's locked dependencies the first time it runs.
async fn npm_ci(peer: &Path, marker: &str) -> anyhow::Result<()> {
    if peer.join("node_modules").join(marker).exists() {
        return Ok(());
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(peer)
        .status()
        .await
        .context("npm is needed for the Node peers")?;
    if !status.success() {
        bail!("npm ci failed in {}", peer.display());
    }
    Ok(())
}

impl Target {
    /// Mealstream's database, opened for seeding accounts.
    pub async fn seed_db(&self) -> anyhow::Result<Box<dyn SeedDb>> {
        let url = self
            .database_url
            .as_deref()
            .context("this target has no Mealstream database")?;
        self.seeds.open(url).await
    }

    pub async fn start(
        kind: Kind,
        opts: &ServerOpts,
        seeds: Arc<dyn Seeds>,
    ) -> anyhow::Result<Target> {
        let dir = scratch_dir()?;
        // Keys and channels of this run only, whatever else shares the Redis.
        let redis_prefix = format!(
            "loadtest-{}",
            dir.file_name().and_then(|n| n.to_str()).unwrap_or("x")
        );
        let mut target = Target {
            kind,
            addrs: Vec::new(),
            database_url: None,
            seeds,
            children: Vec::new(),
            dir,
        };
        match kind {
            Kind::Mealstream | Kind::MealstreamTwoNodes => {
                let url = match &opts.postgres {
                    Some(server) => fresh_postgres(server, "mealstream_loadtest").await?,
                    None => format!("sqlite://{}", target.dir.join("db.sqlite").display()),
                };
                target.database_url = Some(url.clone());
                let nodes = if kind == Kind::MealstreamTwoNodes {
                    2
                } else {
                    1
                };
                // One after the other: the first migrates and seeds, the
                // second finds the database ready.
                for _ in 0..nodes {
                    let addr = free_port()?;
                    let mut cmd = Command::new(opts.bin()?);
                    cmd.args(["serve", "--demo", "--addr", &addr.to_string()])
                        .args(["--database-url", &url])
                        // Its customers place hundreds of orders a minute.
                        .args(["--orders-per-minute", "0"])
                        .env("RUST_LOG", "warn");
                    if let Some(redis) = &opts.redis {
                        cmd.args(["--redis-url", redis])
                            .args(["--redis-prefix", &redis_prefix]);
                    }
                    target.spawn(cmd, addr).await?;
                }
            }
            Kind::SocketioNode => {
                let peer = &opts.node_peer_dir;
                npm_ci(peer, "socket.io").await?;
                let addr = free_port()?;
                let mut cmd = Command::new("node");
                cmd.arg(peer.join("server.js"))
                    .env("PORT", addr.port().to_string());
                target.spawn(cmd, addr).await?;
            }
            Kind::ExpressPg => {
                let (Some(postgres), Some(redis)) = (&opts.postgres, &opts.redis) else {
                    bail!("the same-work peer needs --postgres and --redis");
                };
                let peer = &opts.express_pg_peer_dir;
                npm_ci(peer, "@socket.io/redis-adapter").await?;
                let url = fresh_postgres(postgres, "mealstream_loadtest_express_pg").await?;
                let addr = free_port()?;
                let mut cmd = Command::new("node");
                cmd.arg(peer.join("server.js"))
                    .env("PORT", addr.port().to_string())
                    .env("DATABASE_URL", &url)
                    .env("REDIS_URL", redis)
                    .env("REDIS_PREFIX", &redis_prefix);
                target.database_url = Some(url);
                target.spawn(cmd, addr).await?;
            }
            Kind::Floor => {
                let addr = free_port()?;
                let mut cmd = Command::new(opts.bin()?);
                cmd.args(["floor", "--addr", &addr.to_string()]);
                target.spawn(cmd, addr).await?;
            }
        }
        Ok(target)
    }

    /// Starts one process of this target, listening on `addr`, and waits
    /// until it answers.
    async fn spawn(&mut self, mut cmd: Command, addr: SocketAddr) -> anyhow::Result<()> {
        let log = log_path(&self.dir, self.children.len());
        let (out, err) = log_file(&log)?;
        let child = cmd
            .stdout(out)
            .stderr(err)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", self.kind.label()))?;
        self.children.push(child);
        self.addrs.push(addr);
        self.wait_ready(addr, &log).await
    }

    async fn wait_ready(&mut self, addr: SocketAddr, log: &Path) -> anyhow::Result<()> {
        let path = if self.kind.is_mealstream() {
            "/readyz"
        } else {
            "/healthz"
        };
        let url = format!("http://{addr}{path}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if let Some(child) = self.children.last_mut() {
                if let Some(status) = child.try_wait()? {
                    let log = std::fs::read_to_string(log).unwrap_or_default();
                    bail!("{} exited ({status}):\n{log}", self.kind.label());
                }
            }
            if let Ok(r) = client.get(&url).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{} not ready after 120 s", self.kind.label())
    }

    fn pids(&self) -> Vec<u32> {
        self.children.iter().filter_map(Child::id).collect()
    }

    /// Every process's base URL, in start order.
    pub fn base_urls(&self) -> Vec<String> {
        self.addrs.iter().map(|a| format!("http://{a}")).collect()
    }

    pub fn framing(&self) -> Framing {
        match self.kind {
            Kind::Floor => Framing::Raw,
            _ => Framing::SocketIo,
        }
    }

    /// How client `index` with `rooms` connects: to the processes in turn.
    /// Mealstream ignores `rooms`: its server decides them from the session
    /// cookie.
    pub fn dial(&self, rooms: &[String], cookie: Option<String>, index: usize) -> Dial {
        let addr = self.addr(index);
        let local_ip = Some(self.source_ip(index));
        match self.kind {
            Kind::Mealstream | Kind::MealstreamTwoNodes => Dial {
                addr,
                path: "/socket.io/?EIO=4&transport=websocket".into(),
                framing: Framing::SocketIo,
                cookie,
                auth: None,
                local_ip,
                ready_event: Some("hello"),
            },
            Kind::SocketioNode | Kind::ExpressPg => Dial {
                addr,
                path: "/socket.io/?EIO=4&transport=websocket".into(),
                framing: Framing::SocketIo,
                cookie: None,
                auth: Some(serde_json::json!({ "rooms": rooms })),
                local_ip,
                ready_event: None,
            },
            Kind::Floor => Dial {
                addr,
                path: format!("/?rooms={}", rooms.join(",")),
                framing: Framing::Raw,
                cookie: None,
                auth: None,
                local_ip,
                ready_event: None,
            },
        }
    }

    /// The process client `index` talks to: each in turn.
    pub fn addr(&self, index: usize) -> SocketAddr {
        self.addrs[index % self.addrs.len()]
    }

    /// The loopback source address of client `index`: 250 clients each,
    /// so no address runs out of ports and none carries every client's
    /// per-address limits.
    pub fn source_ip(&self, index: usize) -> std::net::IpAddr {
        std::net::IpAddr::V4(std::net::Ipv4Addr::new(
            127,
            1,
            (index / 250 % 250) as u8,
            (index % 250 + 1) as u8,
        ))
    }

    /// Memory and CPU time of all the target's processes together.
    pub fn sample(&self) -> ProcSample {
        ProcSample::read_all(&self.pids())
    }

    pub async fn stop(mut self) {
        for pid in self.pids() {
            // SIGTERM: let them shut down as in production, then make sure.
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        for child in &mut self.children {
            if tokio::time::timeout(Duration::from_secs(15), child.wait())
                .await
                .is_err()
            {
                let _ = child.kill().await;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Creates (or recreates) database `name` on the PostgreSQL server of
/// `server_url` and returns its URL.
async fn fresh_postgres(server_url: &str, name: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    let (base, _) = server_url
        .rsplit_once('/')
        .context("--postgres must look like postgres://USER@HOST:PORT/DB")?;
    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .context("cannot reach PostgreSQL")?;
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    Ok(format!("{base}/{name}"))
}
