//! `fanout`: K active orders, each watched by its customer, its
//! restaurant's staff and every admin; lifecycle changes at R per second,
//! stepping R up. Latency from the change being sent until each watcher has
//! it, the share delivered, and the highest R whose p99 stays within 25 ms.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use model::Role;
use serde::Serialize;

use super::accounts::Fixture;
use super::changes::{key_of, Generator, Maker, Tracker, STEPS};
use super::rest::{Api, PeerApi};
use super::stats::Percentiles;
use super::targets::{Kind, Target};
use super::wire::Sink;
use super::{swarm, LoadtestArgs};

/// Restaurants the orders are spread over.
const KITCHENS: usize = 20;
/// p99 under this counts as keeping up.
pub const P99_BUDGET_MS: f64 = 25.0;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub target_rate: u32,
    pub achieved_rate: f64,
    pub changes: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub shortfall: u64,
    pub expected: u64,
    pub delivered: u64,
    pub lost: u64,
    /// Deliveries of a change no watcher was still owed: duplicates, or
    /// arrivals after the step gave up on them.
    pub unexpected: u64,
    pub delivered_share: f64,
    pub messages_per_second: f64,
    pub latency: Percentiles,
    pub server_cpu_percent: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FanoutResult {
    pub orders: usize,
    pub watchers_per_change: u32,
    pub steps: Vec<Step>,
    /// Highest achieved change rate with p99 within 25 ms and nothing lost.
    pub best_rate: f64,
    pub best_messages_per_second: f64,
}

pub async fn run(target: &Target, args: &LoadtestArgs) -> anyhow::Result<FanoutResult> {
    let k = args.orders;
    let admins = args.admins;
    let tracker = Arc::new(Tracker::default());
    let sink: Sink = {
        let tracker = tracker.clone();
        Arc::new(move |_, name: &str, data: &serde_json::Value| {
            if name == "order:status_changed" {
                if let Some(key) = key_of(data) {
                    tracker.received(key);
                }
            }
        })
    };
    let watchers_per_change = 2 + admins as u32;
    let (maker, _conns) = match target.kind {
        Kind::Mealstream | Kind::MealstreamTwoNodes => {
            mealstream_setup(target, k, admins, sink).await?
        }
        _ => peer_setup(target, k, admins, sink).await?,
    };
    let generator = Generator::new(maker, k, Some((tracker.clone(), watchers_per_change)));
    let mut steps = Vec::new();
    for &rate in &args.rates {
        // Orders for this step, placed before it (not measured): four
        // changes each, plus the active set.
        generator
            .top_up((u64::from(rate) * args.step_seconds) as usize / STEPS.len() + k)
            .await?;
        let before = (
            generator.ok.load(Ordering::Relaxed),
            generator.errors.load(Ordering::Relaxed),
            generator.shortfall.load(Ordering::Relaxed),
            tracker.delivered.load(Ordering::Relaxed),
            tracker.unexpected.load(Ordering::Relaxed),
        );
        let cpu_before = target.sample();
        let started = std::time::Instant::now();
        let clock = swarm::clock(args.step_seconds, &format!("{rate}/s"));
        generator
            .run(
                rate,
                tokio::time::sleep(Duration::from_secs(args.step_seconds)),
            )
            .await;
        let elapsed = started.elapsed().as_secs_f64();
        drop(clock);
        tracker.drain(Duration::from_secs(5)).await;
        let cpu = target.sample().cpu_percent_since(&cpu_before);
        let lost = tracker.write_off();
        let changes = generator.ok.load(Ordering::Relaxed) - before.0;
        let delivered = tracker.delivered.load(Ordering::Relaxed) - before.3;
        let expected = changes * u64::from(watchers_per_change);
        let step = Step {
            target_rate: rate,
            achieved_rate: changes as f64 / elapsed,
            changes,
            errors: generator.errors.load(Ordering::Relaxed) - before.1,
            first_error: generator
                .first_error
                .lock()
                .map(|e| e.clone())
                .unwrap_or_default(),
            shortfall: generator.shortfall.load(Ordering::Relaxed) - before.2,
            expected,
            delivered,
            lost,
            unexpected: tracker.unexpected.load(Ordering::Relaxed) - before.4,
            delivered_share: if expected == 0 {
                0.0
            } else {
                delivered as f64 / expected as f64
            },
            messages_per_second: delivered as f64 / elapsed,
            latency: tracker.latencies.take(),
            server_cpu_percent: cpu,
        };
        println!(
            "{rate:>5}/s target: {:.0}/s made, {} delivered of {} ({:.3}%), p50 {:.2} ms p99 {:.2} ms max {:.1} ms, server CPU {:.0}%",
            step.achieved_rate,
            step.delivered,
            step.expected,
            step.delivered_share * 100.0,
            step.latency.p50_ms,
            step.latency.p99_ms,
            step.latency.max_ms,
            step.server_cpu_percent
        );
        let saturated = step.achieved_rate < 0.8 * f64::from(rate) || step.latency.p99_ms > 1000.0;
        steps.push(step);
        if saturated {
            println!("saturated: higher rates skipped");
            break;
        }
    }
    let best = steps
        .iter()
        .filter(|s| s.latency.p99_ms <= P99_BUDGET_MS && s.lost == 0 && s.changes > 0)
        .filter(|s| s.achieved_rate >= 0.95 * f64::from(s.target_rate))
        .max_by(|a, b| a.achieved_rate.total_cmp(&b.achieved_rate));
    Ok(FanoutResult {
        orders: k,
        watchers_per_change,
        best_rate: best.map_or(0.0, |s| s.achieved_rate),
        best_messages_per_second: best.map_or(0.0, |s| s.messages_per_second),
        steps,
    })
}

/// Mealstream's watchers: signed-in customers, restaurant staff and admins,
/// whose rooms the server picks; changes are made as the staff.
async fn mealstream_setup(
    target: &Target,
    k: usize,
    admins: usize,
    sink: Sink,
) -> anyhow::Result<(Maker, swarm::Opened)> {
    let fixture = Fixture::new(target, k + KITCHENS + admins).await?;
    println!("signing in {k} customers, {KITCHENS} restaurants, {admins} admins");
    let customers = fixture.accounts(Role::Customer, "fan", k).await?;
    let kitchens = fixture.kitchens(KITCHENS).await?;
    let admin_accounts = fixture.accounts(Role::Admin, "fan-admin", admins).await?;
    let dials = customers
        .iter()
        .chain(kitchens.iter().map(|k| &k.staff))
        .chain(admin_accounts.iter())
        .enumerate()
        .map(|(i, a)| target.dial(&[], Some(a.cookie.clone()), i))
        .collect();
    let opened = swarm::open(dials, sink, "watchers").await;
    anyhow::ensure!(
        opened.failures == 0,
        "watchers failed to connect: {:?}",
        opened.first_error
    );
    let api = Api::Mealstream {
        fixture: Arc::new(fixture),
        customers,
        kitchens,
    };
    Ok((
        Maker::Rest {
            api,
            orders: Mutex::new(VecDeque::new()),
        },
        opened,
    ))
}

/// The peers' watchers name their rooms. The relay peers are told what to
/// publish; the same-work peer gets real status changes over HTTP.
async fn peer_setup(
    target: &Target,
    k: usize,
    admins: usize,
    sink: Sink,
) -> anyhow::Result<(Maker, swarm::Opened)> {
    let mut dials: Vec<_> = (0..k)
        .map(|c| vec![format!("user:{c}"), "role:customer".into()])
        .chain((0..KITCHENS).map(|r| vec![format!("restaurant:{r}"), "role:restaurant".into()]))
        .chain((0..admins).map(|_| vec!["role:admin".to_owned()]))
        .enumerate()
        .map(|(i, rooms)| target.dial(&rooms, None, i))
        .collect();
    let publishers = if target.kind == Kind::ExpressPg { 0 } else { 4 };
    dials.extend((0..publishers).map(|i| target.dial(&["publishers".into()], None, 60_000 + i)));
    let mut opened = swarm::open(dials, sink, "watchers").await;
    anyhow::ensure!(
        opened.failures == 0,
        "watchers failed to connect: {:?}",
        opened.first_error
    );
    if target.kind == Kind::ExpressPg {
        let base = target.base_urls().into_iter().next();
        let api = Api::ExpressPg {
            peer: PeerApi::new(base.context("the same-work peer is not running")?)?,
            customers: k,
            kitchens: KITCHENS,
        };
        let orders = Mutex::new(VecDeque::new());
        return Ok((Maker::Rest { api, orders }, opened));
    }
    let publishers = opened
        .conns
        .split_off(opened.conns.len() - publishers)
        .into_iter()
        .flatten()
        .map(|(c, _)| c)
        .collect();
    let maker = Maker::Publish {
        publishers,
        ack: target.kind == Kind::SocketioNode,
        customers: k,
        kitchens: KITCHENS,
        next_id: AtomicI64::new(1),
        turn: AtomicUsize::new(0),
    };
    Ok((maker, opened))
}
