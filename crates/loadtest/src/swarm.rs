//! Opening many connections at once, with a progress bar, and the rate
//! at which the generator makes changes.

use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};

use super::wire::{self, Conn, Dial, Ready, Sink};

/// Connections opened concurrently: enough to keep the server busy, few
/// enough that the handshakes do not time out on two cores.
const CONCURRENT_HANDSHAKES: usize = 128;

pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// A progress bar that counts the seconds of a timed phase; cleared when dropped.
pub struct Clock {
    bar: ProgressBar,
    ticker: tokio::task::JoinHandle<()>,
}

pub fn clock(seconds: u64, what: &str) -> Clock {
    let bar = bar(seconds, what);
    let ticking = bar.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            ticking.inc(1);
        }
    });
    Clock { bar, ticker }
}

impl Drop for Clock {
    fn drop(&mut self) {
        self.ticker.abort();
        self.bar.finish_and_clear();
    }
}

/// Connections opened by [`open_each`]: `T` is what a connection keeps.
pub struct Opened<T = (Conn, Ready)> {
    pub conns: Vec<Option<T>>,
    /// When each connection's dial began and when it ended (by index).
    pub began: Vec<Instant>,
    pub ended: Vec<Instant>,
    pub failures: usize,
    pub first_error: Option<String>,
    pub elapsed: Duration,
}

impl<T> Opened<T> {
    pub fn connected(&self) -> usize {
        self.conns.iter().filter(|c| c.is_some()).count()
    }

    pub fn rate(&self) -> f64 {
        self.connected() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A dial's index, when it began and ended, and what it gave.
type Dialled<T> = (usize, [Instant; 2], anyhow::Result<T>);

/// Opens one Socket.IO connection per dial (index = position).
pub async fn open(dials: Vec<Dial>, sink: Sink, what: &str) -> Opened {
    open_each(dials, what, CONCURRENT_HANDSHAKES, move |i, dial| {
        let sink = sink.clone();
        async move { wire::connect(&dial, i, sink).await }
    })
    .await
}

/// Runs `dial` once per item (index = position), `at_once` at a time, with
/// a progress bar. A slot is refilled as soon as any dial ends: in order,
/// one slow handshake would hold back the next 127 (`buffered` counts
/// finished ones until the head is done), and the rate would measure the
/// client.
pub async fn open_each<D, T, F, Fut>(
    items: Vec<D>,
    what: &str,
    at_once: usize,
    dial: F,
) -> Opened<T>
where
    F: Fn(usize, D) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let progress = bar(items.len() as u64, what);
    let started = Instant::now();
    let dial = &dial;
    let mut results: Vec<Dialled<T>> = stream::iter(items.into_iter().enumerate())
        .map(|(i, item)| {
            let progress = progress.clone();
            async move {
                let began = Instant::now();
                let r = dial(i, item).await;
                progress.inc(1);
                (i, [began, Instant::now()], r)
            }
        })
        .buffer_unordered(at_once)
        .collect()
        .await;
    let elapsed = started.elapsed();
    progress.finish();
    results.sort_unstable_by_key(|(i, _, _)| *i);
    let began = results.iter().map(|(_, at, _)| at[0]).collect();
    let ended = results.iter().map(|(_, at, _)| at[1]).collect();
    let mut failures = 0;
    let mut first_error = None;
    let conns = results
        .into_iter()
        .map(|(_, _, r)| match r {
            Ok(c) => Some(c),
            Err(e) => {
                failures += 1;
                first_error.get_or_insert_with(|| format!("{e:#}"));
                None
            }
        })
        .collect();
    if let Some(e) = &first_error {
        eprintln!("{what}: {failures} failed; first: {e}");
    }
    Opened {
        conns,
        began,
        ended,
        failures,
        first_error,
        elapsed,
    }
}

/// Paces work at `per_second`: each call says how many items are due now.
pub struct Pace {
    per_second: f64,
    started: Instant,
    issued: u64,
}

impl Pace {
    pub fn new(per_second: u32) -> Pace {
        Pace {
            per_second: per_second as f64,
            started: Instant::now(),
            issued: 0,
        }
    }

    /// Items due since the last call (a late tick catches up).
    pub fn due(&mut self) -> u64 {
        let target = (self.started.elapsed().as_secs_f64() * self.per_second) as u64;
        let due = target.saturating_sub(self.issued);
        self.issued = target.max(self.issued);
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_catches_up_and_never_repeats() {
        let mut p = Pace::new(1000);
        std::thread::sleep(Duration::from_millis(20));
        let first = p.due();
        assert!((19..=40).contains(&first), "{first}");
        assert!(p.due() <= 2);
    }
}
