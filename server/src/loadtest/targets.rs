//! The three servers the load generator drives, each started fresh as its
//! own process so its memory and CPU can be read from /proc: Mealstream
//! (`mealstream serve`, a new database every time), the Node Socket.IO peer
//! and the raw WebSocket floor (`mealstream floor`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use tokio::process::{Child, Command};

use super::wire::{Dial, Framing};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Mealstream,
    SocketioNode,
    Floor,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Mealstream => "Mealstream",
            Kind::SocketioNode => "Node Socket.IO 4.8",
            Kind::Floor => "raw WebSocket floor",
        }
    }
}

/// How to start Mealstream: embedded (SQLite, memory) unless told otherwise.
#[derive(Clone, Debug, Default)]
pub struct ServerOpts {
    /// A PostgreSQL server URL: a fresh `mealstream_loadtest` database is
    /// created on it for each run.
    pub postgres: Option<String>,
    pub redis: Option<String>,
    pub node_peer_dir: PathBuf,
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
    pub addr: SocketAddr,
    pub database_url: Option<String>,
    child: Child,
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

fn log_file(dir: &Path) -> anyhow::Result<(Stdio, Stdio)> {
    let f = std::fs::File::create(dir.join("server.log"))?;
    Ok((Stdio::from(f.try_clone()?), Stdio::from(f)))
}

impl Target {
    pub async fn start(kind: Kind, opts: &ServerOpts) -> anyhow::Result<Target> {
        let addr = free_port()?;
        let dir = scratch_dir()?;
        let (out, err) = log_file(&dir)?;
        let mut database_url = None;
        let mut cmd = match kind {
            Kind::Mealstream => {
                let url = match &opts.postgres {
                    Some(server) => fresh_postgres(server).await?,
                    None => format!("sqlite://{}", dir.join("db.sqlite").display()),
                };
                database_url = Some(url.clone());
                let mut cmd = Command::new(opts.bin()?);
                cmd.args(["serve", "--demo", "--addr", &addr.to_string()])
                    .args(["--database-url", &url])
                    .env("RUST_LOG", "warn");
                if let Some(redis) = &opts.redis {
                    cmd.args(["--redis-url", redis]).args([
                        "--redis-prefix",
                        &format!(
                            "loadtest-{}",
                            dir.file_name().and_then(|n| n.to_str()).unwrap_or("x")
                        ),
                    ]);
                }
                cmd
            }
            Kind::SocketioNode => {
                let peer = &opts.node_peer_dir;
                if !peer.join("node_modules/socket.io").exists() {
                    let status = Command::new("npm")
                        .args(["ci", "--no-audit", "--no-fund"])
                        .current_dir(peer)
                        .status()
                        .await
                        .context("npm is needed for the Node peer")?;
                    if !status.success() {
                        bail!("npm ci failed in {}", peer.display());
                    }
                }
                let mut cmd = Command::new("node");
                cmd.arg(peer.join("server.js"))
                    .env("PORT", addr.port().to_string());
                cmd
            }
            Kind::Floor => {
                let mut cmd = Command::new(opts.bin()?);
                cmd.args(["floor", "--addr", &addr.to_string()]);
                cmd
            }
        };
        let child = cmd
            .stdout(out)
            .stderr(err)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", kind.label()))?;
        let mut target = Target {
            kind,
            addr,
            database_url,
            child,
            dir,
        };
        target.wait_ready().await?;
        Ok(target)
    }

    async fn wait_ready(&mut self) -> anyhow::Result<()> {
        let path = match self.kind {
            Kind::Mealstream => "/readyz",
            Kind::SocketioNode | Kind::Floor => "/healthz",
        };
        let url = format!("http://{}{path}", self.addr);
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                bail!("{} exited ({status}):\n{log}", self.kind.label());
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

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn framing(&self) -> Framing {
        match self.kind {
            Kind::Floor => Framing::Raw,
            _ => Framing::SocketIo,
        }
    }

    /// How a client with `rooms` connects. Mealstream ignores `rooms`: its
    /// server decides them from the session cookie.
    pub fn dial(&self, rooms: &[String], cookie: Option<String>, index: usize) -> Dial {
        let local_ip = Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
            127,
            1,
            (index / 250 % 250) as u8,
            (index % 250 + 1) as u8,
        )));
        match self.kind {
            Kind::Mealstream => Dial {
                addr: self.addr,
                path: "/socket.io/?EIO=4&transport=websocket".into(),
                framing: Framing::SocketIo,
                cookie,
                auth: None,
                local_ip,
                ready_event: Some("hello"),
            },
            Kind::SocketioNode => Dial {
                addr: self.addr,
                path: "/socket.io/?EIO=4&transport=websocket".into(),
                framing: Framing::SocketIo,
                cookie: None,
                auth: Some(serde_json::json!({ "rooms": rooms })),
                local_ip,
                ready_event: None,
            },
            Kind::Floor => Dial {
                addr: self.addr,
                path: format!("/?rooms={}", rooms.join(",")),
                framing: Framing::Raw,
                cookie: None,
                auth: None,
                local_ip,
                ready_event: None,
            },
        }
    }

    pub fn sample(&self) -> ProcSample {
        ProcSample::read(self.pid())
    }

    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            // SIGTERM: let it shut down as in production, then make sure.
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            if tokio::time::timeout(Duration::from_secs(15), self.child.wait())
                .await
                .is_err()
            {
                let _ = self.child.kill().await;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Creates (or recreates) `mealstream_loadtest` on the PostgreSQL server
/// of `server_url` and returns its URL.
async fn fresh_postgres(server_url: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    let (base, _) = server_url
        .rsplit_once('/')
        .context("--postgres must look like postgres://USER@HOST:PORT/DB")?;
    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .context("cannot reach PostgreSQL")?;
    sqlx::raw_sql("DROP DATABASE IF EXISTS mealstream_loadtest WITH (FORCE)")
        .execute(&mut admin)
        .await?;
    sqlx::raw_sql("CREATE DATABASE mealstream_loadtest")
        .execute(&mut admin)
        .await?;
    Ok(format!("{base}/mealstream_loadtest"))
}

/// A process's resident memory and CPU time, from /proc.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcSample {
    pub rss_kb: u64,
    /// User + system CPU time, in clock ticks (1/100 s).
    pub cpu_ticks: u64,
    pub at: Option<Instant>,
}

impl ProcSample {
    pub fn read(pid: u32) -> ProcSample {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss_kb = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name, which is in parentheses.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ProcSample {
            rss_kb,
            cpu_ticks: tick(11) + tick(12),
            at: Some(Instant::now()),
        }
    }

    /// CPU used between two samples, as a percentage of one core.
    pub fn cpu_percent_since(&self, earlier: &ProcSample) -> f64 {
        let (Some(a), Some(b)) = (earlier.at, self.at) else {
            return 0.0;
        };
        let secs = b.duration_since(a).as_secs_f64();
        if secs <= 0.0 {
            return 0.0;
        }
        (self.cpu_ticks.saturating_sub(earlier.cpu_ticks)) as f64 / 100.0 / secs * 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let s = ProcSample::read(std::process::id());
        assert!(s.rss_kb > 0);
        let busy = Instant::now();
        while busy.elapsed() < Duration::from_millis(50) {}
        let later = ProcSample::read(std::process::id());
        assert!(later.cpu_ticks >= s.cpu_ticks);
        assert!(later.cpu_percent_since(&s) >= 0.0);
    }

    #[test]
    fn missing_process_reads_as_zero() {
        let s = ProcSample::read(u32::MAX);
        assert_eq!((s.rss_kb, s.cpu_ticks), (0, 0));
    }
}
