//! `sse`: N signed-in Server-Sent Events streams (`GET /api/events/stream`,
//! what a browser without WebSockets uses). How fast they open, what each
//! costs the server in resident memory, whether they survive a hold past a
//! keep-alive, and whether one announcement then reaches every stream
//! through the node's shared log tail (and how late).
//!
//! A stream is a plain HTTP/1.1 request on its own TCP connection, read by
//! one task with a small buffer: no HTTP client library, so the generator
//! holds thousands of them cheaply.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use model::Role;
use serde::Serialize;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::accounts::Fixture;
use super::stats::{Latencies, Percentiles};
use super::targets::Target;
use super::{swarm, LoadtestArgs};

/// Streams one user may hold at once (`MAX_STREAMS_PER_USER` on the server).
const STREAMS_PER_USER: usize = 10;
/// Streams opened concurrently.
const CONCURRENT_OPENS: usize = 128;
/// What every customer's stream waits for after the hold.
const ANNOUNCEMENT: &[u8] = b"event: system:announcement";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SseResult {
    pub streams: usize,
    pub opened: usize,
    pub failures: usize,
    pub first_error: Option<String>,
    pub open_seconds: f64,
    pub opens_per_second: f64,
    pub baseline_rss_kb: u64,
    pub rss_kb: u64,
    pub bytes_per_stream: f64,
    /// Still open after the hold (keep-alives flowing, nothing dropped).
    pub alive_after_hold: usize,
    pub hold_seconds: u64,
    /// Streams that received the announcement made after the hold.
    pub announcement_delivered: usize,
    pub delivered_share: f64,
    /// From sending the announcement to each stream reading it.
    pub latency: Percentiles,
}

/// What every stream's reader reports into.
#[derive(Default)]
struct Shared {
    announced_at: OnceLock<Instant>,
    delivered: AtomicUsize,
    latencies: Latencies,
}

pub async fn run(target: &Target, args: &LoadtestArgs) -> anyhow::Result<SseResult> {
    let n = args.streams;
    let users = n.div_ceil(STREAMS_PER_USER);
    let fixture = Fixture::new(target, users + 1).await?;
    println!("signing in {users} customers and an admin");
    let customers = fixture.accounts(Role::Customer, "sse", users).await?;
    let admin = fixture
        .accounts(Role::Admin, "sse-admin", 1)
        .await?
        .remove(0);
    // Let the sign-ins' work settle before the baseline.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let baseline = target.sample();
    let shared = Arc::new(Shared::default());
    let opened = swarm::open_each(vec![(); n], "streams", CONCURRENT_OPENS, |i, ()| {
        let cookie = customers[i / STREAMS_PER_USER].cookie.clone();
        let (addr, source) = (target.addr(i), target.source_ip(i));
        let shared = shared.clone();
        async move {
            open(addr, source, &cookie)
                .await
                .map(|s| tokio::spawn(read(s, shared)))
        }
    })
    .await;
    let (elapsed, failures) = (opened.elapsed, opened.failures);
    let first_error = opened.first_error;
    let readers: Vec<_> = opened.conns.into_iter().flatten().collect();
    let count = readers.len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let loaded = target.sample();
    let rate = count as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "{count} streams open in {:.1} s ({rate:.0}/s), {failures} failed; server RSS {} -> {} KiB",
        elapsed.as_secs_f64(),
        baseline.rss_kb,
        loaded.rss_kb
    );
    println!("holding {} s", args.hold_seconds);
    tokio::time::sleep(Duration::from_secs(args.hold_seconds)).await;
    let alive = readers.iter().filter(|r| !r.is_finished()).count();
    // One announcement to every customer: it reaches each stream from the tail.
    let _ = shared.announced_at.set(Instant::now());
    fixture
        .call(
            &admin,
            "POST",
            "/api/admin/announcements",
            &json!({ "message": "Load test: all streams", "audience": "customer" }),
        )
        .await
        .context("the announcement was refused")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while shared.delivered.load(Ordering::Relaxed) < alive && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let delivered = shared.delivered.load(Ordering::Relaxed);
    fixture.close().await;
    for r in &readers {
        r.abort();
    }
    Ok(SseResult {
        streams: n,
        opened: count,
        failures,
        first_error,
        open_seconds: elapsed.as_secs_f64(),
        opens_per_second: rate,
        baseline_rss_kb: baseline.rss_kb,
        rss_kb: loaded.rss_kb,
        bytes_per_stream: loaded.bytes_each_since(&baseline, count),
        alive_after_hold: alive,
        hold_seconds: args.hold_seconds,
        announcement_delivered: delivered,
        delivered_share: delivered as f64 / alive.max(1) as f64,
        latency: shared.latencies.take(),
    })
}

/// Sends the stream's request and reads up to the end of the response
/// head: the stream is open once the server answered 200.
async fn open(
    addr: SocketAddr,
    source: std::net::IpAddr,
    cookie: &str,
) -> anyhow::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket
        .bind(SocketAddr::new(source, 0))
        .with_context(|| format!("cannot bind to {source}"))?;
    let mut tcp = socket
        .connect(addr)
        .await
        .with_context(|| format!("cannot reach {addr}"))?;
    tcp.set_nodelay(true)?;
    let request = format!(
        "GET /api/events/stream HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await?;
    let mut head = Vec::with_capacity(512);
    let mut byte = [0u8; 256];
    tokio::time::timeout(Duration::from_secs(30), async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let got = tcp.read(&mut byte).await?;
            if got == 0 {
                bail!("closed before answering");
            }
            head.extend_from_slice(&byte[..got]);
            if head.len() > 16 * 1024 {
                bail!("response head over 16 KiB");
            }
        }
        Ok(())
    })
    .await
    .context("no answer within 30 s")??;
    let status = head.split(|&b| b == b'\r').next().unwrap_or_default();
    if !status.starts_with(b"HTTP/1.1 200") {
        bail!("refused: {}", String::from_utf8_lossy(status));
    }
    Ok(tcp)
}

/// Reads the stream until it ends, noting the announcement's arrival once.
async fn read(mut tcp: TcpStream, shared: Arc<Shared>) {
    let mut buf = [0u8; 1024];
    // The tail of the previous read, so a line split across reads is found.
    let mut carry = Vec::with_capacity(ANNOUNCEMENT.len() * 2);
    let mut seen = false;
    loop {
        let got = match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(got) => got,
        };
        if seen {
            continue;
        }
        carry.extend_from_slice(&buf[..got]);
        if contains(&carry, ANNOUNCEMENT) {
            seen = true;
            if let Some(at) = shared.announced_at.get() {
                shared.latencies.record(at.elapsed());
            }
            shared.delivered.fetch_add(1, Ordering::Relaxed);
        }
        let keep = carry.len().saturating_sub(ANNOUNCEMENT.len());
        carry.drain(..keep);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_event_line_only_whole() {
        assert!(contains(
            b"id: 7\nevent: system:announcement\ndata: {}",
            ANNOUNCEMENT
        ));
        assert!(!contains(b"event: system:announce", ANNOUNCEMENT));
        assert!(!contains(b": keep-alive\n\n", ANNOUNCEMENT));
    }
}
