//! The command line. Every flag also reads an environment variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "mealstream",
    version,
    about = "Food delivery with realtime built in: one binary serves the customer, \
             restaurant, driver and admin web apps, the JSON API and the live channels.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web apps, the REST API, Socket.IO and SSE (the default).
    /// Migrates the database first; in embedded mode seeds demo data when it is empty.
    Serve(ServeArgs),
    /// Apply the database migrations, then exit.
    Migrate(DbArgs),
    /// Load the demo accounts (password `mealstream`) and restaurants into a
    /// database that has no users yet, then exit.
    SeedDemo(DbArgs),
    /// Drive N simulated drivers against a running server through its API
    /// and Socket.IO: online, offers, rides, deliveries. For demos and load.
    Simulate(loadtest::simulate::SimulateArgs),
    /// The benchmark client: start Mealstream fresh (and with `--peers` the
    /// Node Socket.IO peer and the raw WebSocket floor), drive the idle,
    /// fanout, location and reconnect scenarios over real sockets, and
    /// write bench/results/ (JSON, markdown, SVG plots).
    Loadtest(loadtest::LoadtestArgs),
    /// The load test's floor: a bare WebSocket broadcast server.
    Floor(loadtest::floor::FloorArgs),
}

#[derive(Clone, Debug, Args)]
pub struct DbArgs {
    /// `sqlite://PATH` (embedded) or `postgres://USER@HOST/DB` (scale).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/mealstream.db"
    )]
    pub database_url: String,
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, host:port.
    #[arg(long, env = "MEALSTREAM_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// `redis://HOST:PORT`: sessions, driver positions and Socket.IO broadcasts
    /// go through Redis, so several nodes serve as one. Unset: one node, in memory.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key this deployment uses (nodes of one
    /// deployment share it).
    #[arg(long, env = "MEALSTREAM_REDIS_PREFIX", default_value = "mealstream")]
    pub redis_prefix: String,
    /// Seed demo data into an empty database (default in embedded mode).
    #[arg(long, conflicts_with = "no_demo")]
    pub demo: bool,
    /// Never seed demo data.
    #[arg(long)]
    pub no_demo: bool,
    /// Folder with the built site (wasm, JS, CSS, assets).
    #[arg(long, env = "MEALSTREAM_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Map tiles URL template ({z}/{x}/{y}); default OpenStreetMap's standard tiles.
    #[arg(long, env = "MEALSTREAM_TILE_URL", default_value = app::tiles::DEFAULT_TILE_URL)]
    pub tile_url: String,
    /// Other origins (comma-separated, `https://host[:port]`) allowed to call
    /// the API with the user's cookie and to open sockets. The site's own
    /// origin is always allowed.
    #[arg(long, env = "MEALSTREAM_ALLOWED_ORIGINS")]
    pub allowed_origins: Option<String>,
    /// The public https:// URL, when served behind TLS: marks cookies Secure.
    #[arg(long, env = "MEALSTREAM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Proxies (comma-separated addresses or CIDR blocks) whose
    /// `X-Forwarded-For` names the client, for per-client limits. Anyone
    /// else's header is ignored.
    #[arg(long, env = "MEALSTREAM_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Orders one customer may place per minute (beyond: 429); 0 lifts the
    /// limit, as `mealstream loadtest` does for the servers it starts.
    #[arg(long, env = "MEALSTREAM_ORDERS_PER_MINUTE", default_value_t = 10)]
    pub orders_per_minute: u32,
}
