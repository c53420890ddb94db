//! `reconnect`: N sockets all drop at once while changes keep coming, then
//! come back with the last id they saw. How long until every socket has
//! every change made up to its return, how many were lost (Mealstream and
//! the Node peer's connection-state recovery replay; the floor cannot), and
//! how many duplicates the client dropped.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use model::Role;
use serde::Serialize;
use serde_json::{json, Value};

use super::accounts::Fixture;
use super::changes::{key_of, Generator, Key, Maker, STEPS};
use super::rest::Api;
use super::stats::{Latencies, Percentiles};
use super::targets::{Kind, Target};
use super::wire::Sink;
use super::{swarm, LoadtestArgs};

const KITCHENS: usize = 20;
const BEFORE_DROP: Duration = Duration::from_secs(3);
const GAP: Duration = Duration::from_secs(2);
const AFTER: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconnectResult {
    pub sockets: usize,
    pub reconnected: usize,
    pub failures: usize,
    pub first_error: Option<String>,
    pub changes: u64,
    pub changes_while_away: u64,
    /// Sockets that had a point to resume from when they dropped:
    /// Mealstream's `hello.lastEventId` is there from the start; Node's
    /// recovery offset only once a socket has received a broadcast.
    pub resumable: usize,
    pub reconnect_seconds: f64,
    /// From the start of reconnection until every socket had every change
    /// made before it; `None` if that never happened (no replay).
    pub caught_up_ms: Option<f64>,
    /// Per socket that caught up: from the moment its own reconnect began
    /// (the generator opens 128 at a time) to its last missing change.
    pub per_socket: Percentiles,
    /// Changes a socket should have had and never received.
    pub lost: u64,
    /// Of those, the ones lost by sockets that had a point to resume from.
    pub lost_by_resumable: u64,
    /// Deliveries the client dropped because it already had them.
    pub duplicates_dropped: u64,
}

struct Seen {
    /// Each socket's changes, with when each first arrived.
    keys: Vec<Mutex<HashMap<Key, Instant>>>,
    last_id: Vec<AtomicI64>,
    dups: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub async fn run(target: &Target, args: &LoadtestArgs) -> anyhow::Result<ReconnectResult> {
    let n = args.sockets;
    let per_user = args.sockets_per_user as usize;
    let customers_n = n.div_ceil(per_user);
    let seen = Arc::new(Seen {
        keys: (0..n).map(|_| Mutex::new(HashMap::new())).collect(),
        last_id: (0..n).map(|_| AtomicI64::new(0)).collect(),
        dups: AtomicU64::new(0),
    });
    let sink: Sink = {
        let seen = seen.clone();
        Arc::new(move |i, name: &str, data: &Value| {
            if name != "order:status_changed" || i >= seen.keys.len() {
                return;
            }
            if let Some(id) = data["eventId"].as_i64() {
                seen.last_id[i].fetch_max(id, Ordering::Relaxed);
            }
            if let Some(key) = key_of(data) {
                if lock(&seen.keys[i]).insert(key, Instant::now()).is_some() {
                    seen.dups.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let rooms_of = |c: usize| vec![format!("user:{c}"), "role:customer".to_owned()];
    let (maker, cookies) = match target.kind {
        Kind::Mealstream | Kind::MealstreamTwoNodes => {
            let fixture = Fixture::new(target, customers_n + KITCHENS).await?;
            println!("signing in {customers_n} customers and {KITCHENS} restaurants");
            let customers = fixture.accounts(Role::Customer, "rc", customers_n).await?;
            let kitchens = fixture.kitchens(KITCHENS).await?;
            let cookies: Vec<Option<String>> =
                customers.iter().map(|c| Some(c.cookie.clone())).collect();
            (
                Maker::Rest {
                    api: Api::Mealstream {
                        fixture: Arc::new(fixture),
                        customers,
                        kitchens,
                    },
                    orders: Mutex::new(VecDeque::new()),
                },
                cookies,
            )
        }
        _ => {
            let publishers = swarm::open(
                (0..4)
                    .map(|i| target.dial(&["publishers".into()], None, 60_000 + i))
                    .collect(),
                Arc::new(|_, _, _| {}),
                "publishers",
            )
            .await;
            anyhow::ensure!(
                publishers.failures == 0,
                "publishers: {:?}",
                publishers.first_error
            );
            (
                Maker::Publish {
                    publishers: publishers
                        .conns
                        .into_iter()
                        .flatten()
                        .map(|(c, _)| c)
                        .collect(),
                    ack: target.kind == Kind::SocketioNode,
                    customers: customers_n,
                    kitchens: KITCHENS,
                    next_id: AtomicI64::new(1),
                    turn: AtomicUsize::new(0),
                },
                vec![None; customers_n],
            )
        }
    };
    let generator = Generator::new(maker, customers_n, None);
    // Enough orders for about 40 s of changes, placed before any socket
    // connects.
    generator
        .top_up(customers_n + (args.reconnect_rate as usize * 40) / STEPS.len())
        .await?;
    let customer_of = |i: usize| i / per_user;
    let dial = |i: usize, auth: Option<Value>| {
        let c = customer_of(i);
        let mut d = target.dial(&rooms_of(c), cookies[c].clone(), i);
        if auth.is_some() {
            d.auth = auth;
        }
        d
    };
    let first = swarm::open(
        (0..n).map(|i| dial(i, None)).collect(),
        sink.clone(),
        "connecting",
    )
    .await;
    anyhow::ensure!(
        first.failures == 0,
        "connections failed: {:?}",
        first.first_error
    );
    let mut resume: Vec<Value> = Vec::with_capacity(n);
    let mut with_hello_id = vec![false; n];
    for (i, (_, ready)) in first.conns.iter().flatten().enumerate() {
        if let Some(id) = ready.hello.as_ref().and_then(|h| h["lastEventId"].as_i64()) {
            seen.last_id[i].fetch_max(id, Ordering::Relaxed);
            with_hello_id[i] = true;
        }
        resume.push(json!({ "pid": ready.pid }));
    }

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let generator = generator.clone();
        let rate = args.reconnect_rate;
        tokio::spawn(async move {
            generator
                .run(rate, async {
                    let _ = stop_rx.await;
                })
                .await
        })
    };
    tokio::time::sleep(BEFORE_DROP).await;
    // Every socket gone at once: the tasks end and the kernel closes them.
    let offsets: Vec<Option<String>> = first
        .conns
        .iter()
        .flatten()
        .map(|(c, _)| c.offset())
        .collect();
    let could_resume: Vec<bool> = (0..n)
        .map(|i| match target.kind {
            Kind::SocketioNode | Kind::ExpressPg => offsets.get(i).is_some_and(Option::is_some),
            Kind::Mealstream | Kind::MealstreamTwoNodes => with_hello_id[i],
            Kind::Floor => false,
        })
        .collect();
    let resumable = could_resume.iter().filter(|&&r| r).count();
    let dropped_at = Instant::now();
    drop(first);
    println!(
        "dropped {n} sockets; changes continue for {} s",
        GAP.as_secs()
    );
    tokio::time::sleep(GAP).await;

    let back_at = Instant::now();
    let due = by_customer(&lock(&generator.done));
    let away = lock(&generator.done)
        .iter()
        .filter(|d| d.at >= dropped_at)
        .count() as u64;
    let dials = (0..n)
        .map(|i| {
            let auth = match target.kind {
                Kind::Mealstream | Kind::MealstreamTwoNodes => {
                    Some(json!({ "lastEventId": seen.last_id[i].load(Ordering::Relaxed) }))
                }
                Kind::SocketioNode | Kind::ExpressPg => Some(json!({
                    "rooms": rooms_of(customer_of(i)),
                    "pid": resume[i]["pid"],
                    "offset": offsets[i],
                })),
                Kind::Floor => None,
            };
            dial(i, auth)
        })
        .collect();
    let again = swarm::open(dials, sink, "reconnecting").await;
    let reconnect_seconds = back_at.elapsed().as_secs_f64();
    let limit = if target.kind == Kind::Floor { 5 } else { 60 };
    let mut caught_up_ms = None;
    while back_at.elapsed() < Duration::from_secs(limit) {
        let behind = (0..n).any(|i| {
            let keys = lock(&seen.keys[i]);
            due.get(&customer_of(i))
                .is_some_and(|want| want.iter().any(|k| !keys.contains_key(k)))
        });
        if !behind {
            caught_up_ms = Some(back_at.elapsed().as_secs_f64() * 1000.0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Each socket's own wait: from its dial to its handshake's end or its
    // last missing change, whichever came later.
    let per_socket = Latencies::default();
    if caught_up_ms.is_some() {
        for i in (0..n).filter(|&i| again.conns[i].is_some()) {
            let keys = lock(&seen.keys[i]);
            let last_missed = due
                .get(&customer_of(i))
                .and_then(|want| want.iter().filter_map(|k| keys.get(k)).max().copied());
            let caught_up = last_missed.map_or(again.ended[i], |at| at.max(again.ended[i]));
            per_socket.record(caught_up.saturating_duration_since(again.began[i]));
        }
    }
    tokio::time::sleep(AFTER).await;
    let _ = stop_tx.send(());
    running.await?;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let all = by_customer(&lock(&generator.done));
    let lost_by: Vec<u64> = (0..n)
        .map(|i| {
            let keys = lock(&seen.keys[i]);
            all.get(&customer_of(i)).map_or(0, |want| {
                want.iter().filter(|k| !keys.contains_key(k)).count() as u64
            })
        })
        .collect();
    let lost: u64 = lost_by.iter().sum();
    let lost_by_resumable: u64 = (0..n)
        .filter(|&i| could_resume[i])
        .map(|i| lost_by[i])
        .sum();
    let result = ReconnectResult {
        sockets: n,
        reconnected: again.connected(),
        failures: again.failures,
        first_error: again.first_error.clone(),
        changes: generator.ok.load(Ordering::Relaxed),
        changes_while_away: away,
        resumable,
        reconnect_seconds,
        caught_up_ms,
        per_socket: per_socket.take(),
        lost,
        lost_by_resumable,
        duplicates_dropped: seen.dups.load(Ordering::Relaxed),
    };
    println!(
        "{} resumable, {} back in {:.1} s; caught up {} (per socket p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms); {} changes ({} while away), {} lost ({} by resumable sockets), {} duplicates dropped",
        result.resumable,
        result.reconnected,
        result.reconnect_seconds,
        result.caught_up_ms.map_or("never".into(), |ms| format!("after {ms:.0} ms")),
        result.per_socket.p50_ms,
        result.per_socket.p99_ms,
        result.per_socket.max_ms,
        result.changes,
        result.changes_while_away,
        result.lost,
        result.lost_by_resumable,
        result.duplicates_dropped
    );
    drop(again);
    Ok(result)
}

/// The changes made so far, by customer.
fn by_customer(done: &[super::changes::Done]) -> HashMap<usize, HashSet<Key>> {
    let mut out: HashMap<usize, HashSet<Key>> = HashMap::new();
    for d in done {
        out.entry(d.customer).or_default().insert(d.key);
    }
    out
}
