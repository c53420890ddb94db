//! `mealstream loadtest`: the benchmark client. It starts each server fresh
//! (Mealstream, and with `--peers` the Node Socket.IO peer and the raw
//! WebSocket floor), drives it through the same scenarios over real
//! sockets, and writes `bench/results/<scenario>.json`, a markdown summary
//! and SVG plots. Nothing here is asserted: it measures and reports.

mod accounts;
mod changes;
mod fanout;
mod idle;
mod location;
mod reconnect;
mod report;
mod stats;
mod swarm;
pub mod targets;
pub mod wire;

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use targets::{Kind, ServerOpts, Target};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Idle,
    Fanout,
    Location,
    Reconnect,
    All,
}

#[derive(Clone, Debug, Args)]
pub struct LoadtestArgs {
    /// Which scenario to run.
    #[arg(long, value_enum, default_value_t = Scenario::All)]
    pub scenario: Scenario,
    /// Also run the Node Socket.IO peer and the raw WebSocket floor, side by side.
    #[arg(long)]
    pub peers: bool,
    /// idle, reconnect: sockets to open.
    #[arg(long, default_value_t = 10_000)]
    pub sockets: usize,
    /// idle, reconnect: sockets per signed-in customer (devices, tabs).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub sockets_per_user: u64,
    /// fanout: orders in flight at once, each watched by its customer, its
    /// restaurant and every admin.
    #[arg(long, default_value_t = 1_000)]
    pub orders: usize,
    /// fanout: admin sockets (each sees every change).
    #[arg(long, default_value_t = 5)]
    pub admins: usize,
    /// fanout: lifecycle changes per second, one step each (ascending).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "250,500,1000,2000,4000,8000"
    )]
    pub rates: Vec<u32>,
    /// fanout: seconds per rate step.
    #[arg(long, default_value_t = 10)]
    pub step_seconds: u64,
    /// location: simulated drivers reporting at 1 Hz.
    #[arg(long, default_value_t = 2_000)]
    pub drivers: usize,
    /// location: seconds of reporting measured.
    #[arg(long, default_value_t = 20)]
    pub location_seconds: u64,
    /// reconnect: lifecycle changes per second while sockets drop and return.
    #[arg(long, default_value_t = 200)]
    pub reconnect_rate: u32,
    /// Run Mealstream on this PostgreSQL server (a fresh `mealstream_loadtest`
    /// database each run) instead of SQLite.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Run Mealstream with Redis sessions and the Redis adapter.
    #[arg(long)]
    pub redis: Option<String>,
    /// Where the Node peer lives.
    #[arg(long, default_value = "bench/peers/socketio-node")]
    pub node_peer: PathBuf,
    /// idle: seconds the sockets are held open (past a ping) before counting survivors.
    #[arg(long, default_value_t = 30)]
    pub hold_seconds: u64,
    /// The `mealstream` binary to start (default: this one).
    #[arg(long, hide = true)]
    pub server_bin: Option<PathBuf>,
    /// Where results, the summary and plots are written.
    #[arg(long, default_value = "bench/results")]
    pub out: PathBuf,
}

impl LoadtestArgs {
    fn kinds(&self) -> Vec<Kind> {
        if self.peers {
            vec![Kind::Mealstream, Kind::SocketioNode, Kind::Floor]
        } else {
            vec![Kind::Mealstream]
        }
    }

    fn server_opts(&self) -> ServerOpts {
        ServerOpts {
            postgres: self.postgres.clone(),
            redis: self.redis.clone(),
            node_peer_dir: self.node_peer.clone(),
            server_bin: self.server_bin.clone(),
        }
    }

    /// What Mealstream ran on, for the report.
    pub fn mode(&self) -> String {
        format!(
            "{} + {}",
            if self.postgres.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            if self.redis.is_some() {
                "Redis"
            } else {
                "memory sessions, one node"
            }
        )
    }
}

pub async fn run(args: LoadtestArgs) -> anyhow::Result<()> {
    raise_fd_limit();
    std::fs::create_dir_all(&args.out)?;
    let scenarios = match args.scenario {
        Scenario::All => vec![
            Scenario::Idle,
            Scenario::Fanout,
            Scenario::Location,
            Scenario::Reconnect,
        ],
        one => vec![one],
    };
    for scenario in scenarios {
        let mut results = Vec::new();
        for kind in args.kinds() {
            println!("\n== {scenario:?} · {} ==", kind.label());
            let target = Target::start(kind, &args.server_opts()).await?;
            let outcome = match scenario {
                Scenario::Idle => idle::run(&target, &args).await.map(report::Outcome::Idle),
                Scenario::Fanout => fanout::run(&target, &args)
                    .await
                    .map(report::Outcome::Fanout),
                Scenario::Location => location::run(&target, &args)
                    .await
                    .map(report::Outcome::Location),
                Scenario::Reconnect => reconnect::run(&target, &args)
                    .await
                    .map(report::Outcome::Reconnect),
                Scenario::All => unreachable!("expanded above"),
            };
            target.stop().await;
            match outcome {
                Ok(o) => results.push(report::TargetResult {
                    target: kind,
                    outcome: o,
                }),
                Err(e) => {
                    eprintln!("{scenario:?} on {} failed: {e:#}", kind.label());
                    results.push(report::TargetResult {
                        target: kind,
                        outcome: report::Outcome::Failed(format!("{e:#}")),
                    });
                }
            }
        }
        report::write(&args, scenario, results)?;
    }
    report::summarise(&args.out)?;
    Ok(())
}

/// Tens of thousands of sockets need as many file descriptors: raise the
/// soft limit to the hard one (child servers inherit it).
fn raise_fd_limit() {
    // SAFETY: plain getrlimit/setrlimit calls on a valid struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            println!("file descriptors: {} per process", lim.rlim_cur);
        }
    }
}
