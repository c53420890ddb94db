//! `mealstream loadtest`: the benchmark client. It starts each server fresh
//! (Mealstream, and with `--peers` the Node Socket.IO peer, the raw
//! WebSocket floor and, on PostgreSQL and Redis, the Node same-work peer),
//! drives it through the same scenarios over real sockets, and writes
//! `bench/results/<scenario>.json`, a markdown summary and SVG plots.
//! Nothing here is asserted: it measures and reports.
//!
//! Also the floor (`mealstream floor`, a bare WebSocket broadcast server)
//! and the driver simulator (`mealstream simulate`). The server binary only
//! parses their arguments and calls in; nothing here is in the server.

mod accounts;
mod changes;
mod fanout;
pub mod floor;
mod idle;
mod location;
mod plots;
mod reconnect;
mod report;
mod rest;
pub mod seeds;
pub mod simulate;
mod sse;
mod stats;
mod swarm;
pub mod targets;
mod usage;
pub mod wire;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde::Serialize;

pub use seeds::{SeedDb, Seeds};
use targets::{Kind, ServerOpts, Target};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Idle,
    Fanout,
    Location,
    Reconnect,
    /// Server-Sent Events streams (Mealstream only: the peers have none).
    Sse,
    All,
}

#[derive(Clone, Debug, Args)]
pub struct LoadtestArgs {
    /// Which scenario to run.
    #[arg(long, value_enum, default_value_t = Scenario::All)]
    pub scenario: Scenario,
    /// Also run the Node Socket.IO peer and the raw WebSocket floor, side by
    /// side; with `--postgres` and `--redis`, the fanout scenario also runs
    /// the Node Express + pg peer that does the same work as Mealstream.
    #[arg(long)]
    pub peers: bool,
    /// idle, reconnect: sockets to open.
    #[arg(long, default_value_t = 10_000)]
    pub sockets: usize,
    /// idle, reconnect: sockets per signed-in customer (devices, tabs).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub sockets_per_user: u64,
    /// sse: event streams to open (10 per signed-in customer).
    #[arg(long, default_value_t = 5_000)]
    pub streams: usize,
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
    /// fanout: also run Mealstream as 2 processes on the same PostgreSQL
    /// and Redis, sockets and changes spread over both (needs `--postgres`
    /// and `--redis`). Two cores here: more nodes would measure the box.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub nodes: u8,
    /// Where the Node peer lives.
    #[arg(long, default_value = "bench/peers/socketio-node")]
    pub node_peer: PathBuf,
    /// Where the Node same-work (Express + pg) peer lives.
    #[arg(long, default_value = "bench/peers/express-pg")]
    pub express_pg_peer: PathBuf,
    /// idle, sse: seconds the sockets or streams are held open (past a ping
    /// or keep-alive) before counting survivors.
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
    /// The servers a scenario runs against, in report order. The
    /// same-work peer and the two nodes only take part in fanout: it is the
    /// scenario whose changes are writes.
    fn kinds(&self, scenario: Scenario) -> Vec<Kind> {
        let fanout = scenario == Scenario::Fanout;
        let mut kinds = vec![Kind::Mealstream];
        if scenario == Scenario::Sse {
            return kinds;
        }
        if fanout && self.nodes == 2 {
            kinds.push(Kind::MealstreamTwoNodes);
        }
        if self.peers {
            kinds.push(Kind::SocketioNode);
            if fanout && self.scale_mode() {
                kinds.push(Kind::ExpressPg);
            } else if fanout {
                println!(
                    "note: {} skipped (it needs --postgres and --redis)",
                    Kind::ExpressPg.label()
                );
            }
            kinds.push(Kind::Floor);
        }
        kinds
    }

    /// Refuses flags that cannot work together, before anything starts.
    fn check(&self) -> anyhow::Result<()> {
        if self.nodes > 1 {
            // Nodes share state only through PostgreSQL and Redis.
            anyhow::ensure!(
                self.scale_mode(),
                "--nodes {} needs --postgres and --redis: the nodes share the database, \
                 the sessions and the broadcasts through them",
                self.nodes
            );
            anyhow::ensure!(
                matches!(self.scenario, Scenario::Fanout | Scenario::All),
                "--nodes {} only changes the fanout scenario",
                self.nodes
            );
        }
        Ok(())
    }

    fn scale_mode(&self) -> bool {
        self.postgres.is_some() && self.redis.is_some()
    }

    fn server_opts(&self) -> ServerOpts {
        ServerOpts {
            postgres: self.postgres.clone(),
            redis: self.redis.clone(),
            node_peer_dir: self.node_peer.clone(),
            express_pg_peer_dir: self.express_pg_peer.clone(),
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

pub async fn run(args: LoadtestArgs, seeds: Arc<dyn Seeds>) -> anyhow::Result<()> {
    args.check()?;
    // Each connection is a descriptor on both sides, plus the servers' own.
    raise_fd_limit(args.sockets.max(args.streams) as u64 + 10_000);
    std::fs::create_dir_all(&args.out)?;
    let scenarios = match args.scenario {
        Scenario::All => vec![
            Scenario::Idle,
            Scenario::Fanout,
            Scenario::Location,
            Scenario::Reconnect,
            Scenario::Sse,
        ],
        one => vec![one],
    };
    for scenario in scenarios {
        let mut results = Vec::new();
        for kind in args.kinds(scenario) {
            println!("\n== {scenario:?} · {} ==", kind.label());
            let target = Target::start(kind, &args.server_opts(), seeds.clone()).await?;
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
                Scenario::Sse => sse::run(&target, &args).await.map(report::Outcome::Sse),
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

/// Tens of thousands of sockets need as many file descriptors, here and in
/// each server (children inherit the limits): the soft limit goes up to
/// `wanted`, and where the hard limit is lower and the process may raise
/// it (root), the hard limit too, within the kernel's `fs.nr_open`.
fn raise_fd_limit(wanted: u64) {
    let ceiling = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20);
    let wanted = wanted.min(ceiling);
    // SAFETY: plain getrlimit/setrlimit calls on valid structs.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return;
        }
        if lim.rlim_max < wanted {
            let raised = libc::rlimit {
                rlim_cur: wanted,
                rlim_max: wanted,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim = raised;
            }
        }
        if lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            println!("file descriptors: {} per process", lim.rlim_cur);
            if lim.rlim_cur < wanted {
                println!(
                    "note: {wanted} wanted; connections past the limit will fail \
                     (raise it with `ulimit -Hn` as root)"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: LoadtestArgs,
    }

    fn args(flags: &[&str]) -> LoadtestArgs {
        Cli::parse_from(std::iter::once("loadtest").chain(flags.iter().copied())).args
    }

    const SCALE: [&str; 4] = [
        "--postgres",
        "postgres://postgres@127.0.0.1:5432/postgres",
        "--redis",
        "redis://127.0.0.1:6379",
    ];

    #[test]
    fn the_same_work_peer_and_two_nodes_take_part_in_fanout_only() {
        let all = args(&[&["--peers", "--nodes", "2"], &SCALE[..]].concat());
        assert_eq!(
            all.kinds(Scenario::Fanout),
            [
                Kind::Mealstream,
                Kind::MealstreamTwoNodes,
                Kind::SocketioNode,
                Kind::ExpressPg,
                Kind::Floor
            ]
        );
        assert_eq!(
            all.kinds(Scenario::Idle),
            [Kind::Mealstream, Kind::SocketioNode, Kind::Floor]
        );
        assert_eq!(
            args(&["--peers"]).kinds(Scenario::Fanout),
            [Kind::Mealstream, Kind::SocketioNode, Kind::Floor]
        );
        assert_eq!(args(&SCALE).kinds(Scenario::Fanout), [Kind::Mealstream]);
        assert_eq!(args(&["--peers"]).kinds(Scenario::Sse), [Kind::Mealstream]);
    }

    #[test]
    fn two_nodes_need_postgres_and_redis_and_the_fanout_scenario() {
        assert!(args(&[]).check().is_ok());
        let err = args(&["--nodes", "2"]).check().unwrap_err().to_string();
        assert!(err.contains("--postgres and --redis"), "{err}");
        let idle = args(&[&["--nodes", "2", "--scenario", "idle"], &SCALE[..]].concat());
        assert!(idle.check().is_err());
        assert!(args(&[&["--nodes", "2"], &SCALE[..]].concat())
            .check()
            .is_ok());
        assert!(Cli::try_parse_from(["loadtest", "--nodes", "3"]).is_err());
    }
}
