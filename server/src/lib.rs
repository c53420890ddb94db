#![recursion_limit = "256"]
//! The Mealstream server: configuration (`config`, `cli`), startup and the
//! router (`startup`), sessions, the REST API (`http`), Socket.IO
//! (`realtime`) and logging (`telemetry`). The domain lives in `app`; the
//! `loadtest`, `floor` and `simulate` subcommands in the `loadtest` crate.

pub mod cli;
pub mod config;
pub mod http;
pub mod log_hints;
pub mod realtime;
pub mod seeds;
pub mod sessions;
pub mod startup;
pub mod telemetry;

use anyhow::Context;
use mealstream_core::service::{demo, Ctx};
use mealstream_core::store::Db;

use cli::{Cli, Command};
use config::Config;
use startup::Application;

pub fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            None => serve(Config::from_args(&cli.serve)?).await,
            Some(Command::Serve(args)) => serve(Config::from_args(&args)?).await,
            Some(Command::Migrate(args)) => {
                let db = connect(&config::database_url(&args)?).await?;
                tracing::info!("migrations applied");
                db.pool.close().await;
                Ok(())
            }
            Some(Command::Simulate(args)) => {
                loadtest::simulate::run(args, &seeds::StoreSeeds, shutdown_signal()).await
            }
            Some(Command::Loadtest(args)) => {
                loadtest::run(args, std::sync::Arc::new(seeds::StoreSeeds)).await
            }
            Some(Command::Floor(args)) => loadtest::floor::run(&args, shutdown_signal()).await,
            Some(Command::SeedDemo(args)) => {
                let db = connect(&config::database_url(&args)?).await?;
                let seeded = demo::seed_if_empty(&Ctx::new(db.clone())).await?;
                println!(
                    "{}",
                    if seeded {
                        "demo data seeded"
                    } else {
                        "the database already has users: nothing seeded"
                    }
                );
                db.pool.close().await;
                Ok(())
            }
        }
    })
}

async fn connect(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await.context("migrations failed")?;
    Ok(db)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    tracing::info!(url = %format!("http://{}", app.local_addr()), "serving");
    app.run_until(shutdown_signal()).await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutdown signal received");
}
