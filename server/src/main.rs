//! The `mealstream` binary: parse the command line and hand over to the
//! library. A failure prints one line and exits non-zero, no backtrace.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = server::cli::Cli::parse();
    match server::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mealstream: {e:#}");
            ExitCode::FAILURE
        }
    }
}
