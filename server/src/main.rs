//! The `mealstream` binary: parse the command line and hand over to the
//! library. A failure prints one line and exits non-zero, no backtrace.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not glibc's malloc: malloc and free were 13 % of the server's
/// CPU at 1,200 changes a second (perf), and glibc kept twice the memory
/// per idle socket (README, "Write path", 12-05). It also hands
/// the 19 MiB argon2 buffers of a burst of sign-ins back to the system,
/// which glibc did only with a fixed mmap threshold.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
