//! The `mealstream` binary: parse the command line and hand over to the
//! library. A failure prints one line and exits non-zero, no backtrace.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    return_big_blocks_to_the_os();
    let cli = server::cli::Cli::parse();
    match server::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mealstream: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc raises its mmap threshold to the size of any large block freed,
/// up to 32 MiB, so the 19 MiB argon2 buffers of a burst of sign-ins would
/// then come from the heap and stay resident (1.7 GB after 1,000 sign-ins
/// on the load test). A fixed threshold keeps them mmapped: returned on free.
fn return_big_blocks_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
