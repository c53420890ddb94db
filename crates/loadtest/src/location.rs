//! `location`: D drivers on deliveries report their position at 1 Hz; each
//! delivery's customer watches it, and admins watch the live map. Latency
//! from a report leaving the phone until the customer has it, the share
//! delivered of the reports the throttle let through, and the server's CPU.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use model::Role;
use serde::Serialize;
use serde_json::{json, Value};

use super::accounts::Fixture;
use super::stats::{Latencies, Percentiles};
use super::targets::{Kind, Target};
use super::wire::{Conn, Sink};
use super::{swarm, LoadtestArgs};

const KITCHENS: usize = 20;
const ADMINS: usize = 5;
/// Each customer watches this many deliveries.
const ORDERS_PER_CUSTOMER: usize = 2;
/// The admin map hears of each driver every third report (Mealstream's
/// admin feed interval is 3 s; the peers are told the same).
const ADMIN_EVERY: u64 = 3;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationResult {
    pub drivers: usize,
    pub seconds: u64,
    pub reports: u64,
    /// Reports the server passed on (Mealstream: acknowledged `sent`; the
    /// throttle drops a report under 1 s or 5 m after the last).
    pub accepted: u64,
    pub throttled: u64,
    pub errors: u64,
    pub delivered: u64,
    pub delivered_share: f64,
    pub admin_updates: u64,
    pub messages_per_second: f64,
    pub latency: Percentiles,
    pub server_cpu_percent: f64,
}

/// (order, latitude in 1e-7 degrees): JSON float round trips may differ in
/// the last bit, so reports are matched on a rounded latitude.
type Key = (i64, i64);

fn lat_key(lat: f64) -> i64 {
    (lat * 1e7).round() as i64
}

#[derive(Default)]
struct Track {
    pending: Mutex<HashMap<Key, Instant>>,
    latencies: Latencies,
    delivered: AtomicU64,
    admin: AtomicU64,
}

fn key(data: &Value) -> Option<Key> {
    Some((data["orderId"].as_i64()?, lat_key(data["lat"].as_f64()?)))
}

pub async fn run(target: &Target, args: &LoadtestArgs) -> anyhow::Result<LocationResult> {
    let d = args.drivers;
    let track = Arc::new(Track::default());
    let sink: Sink = {
        let track = track.clone();
        Arc::new(move |_, name: &str, data: &Value| match name {
            "delivery:location_update" => {
                if let Some(sent) = key(data).and_then(|k| {
                    track
                        .pending
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&k)
                }) {
                    track.latencies.record(sent.elapsed());
                    track.delivered.fetch_add(1, Ordering::Relaxed);
                }
            }
            "driver:position" => {
                track.admin.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        })
    };
    // Each driver: its connection, its order, where it is.
    let (drivers, _watchers) = match target.kind {
        Kind::Mealstream | Kind::MealstreamTwoNodes => mealstream_setup(target, d, sink).await?,
        _ => peer_setup(target, d, sink).await?,
    };
    let is_mealstream = target.kind.is_mealstream();
    let ack = target.kind != Kind::Floor;
    let counters = Arc::new([
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    ]);
    let cpu_before = target.sample();
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.location_seconds);
    let clock = swarm::clock(args.location_seconds, "reporting");
    let mut tasks = Vec::with_capacity(d);
    for (i, (conn, order_id, start)) in drivers.into_iter().enumerate() {
        let track = track.clone();
        let counters = counters.clone();
        // Spread the drivers over the second, as real phones are.
        let phase = Duration::from_micros((i as u64 * 1_000_000) / d as u64);
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + phase, Duration::from_secs(1));
            let (mut lat, lng) = start;
            let mut n = 0u64;
            while tokio::time::Instant::now() < deadline {
                tick.tick().await;
                n += 1;
                lat += 0.0001; // about 11 m north every second
                let report = (order_id, lat_key(lat));
                track.pending.lock().unwrap_or_else(|e| e.into_inner()).insert(report, Instant::now());
                counters[0].fetch_add(1, Ordering::Relaxed);
                let sent = if is_mealstream {
                    conn.emit_ack("driver:location", json!({ "lat": lat, "lng": lng, "heading": 0.0, "speed": 11.0 }))
                        .await
                } else {
                    let update = json!({ "orderId": order_id, "driverId": order_id, "lat": lat, "lng": lng, "heading": 0.0, "speed": 11.0 });
                    if n.is_multiple_of(ADMIN_EVERY) {
                        // The admin copy goes as its own event, like Mealstream's feed.
                        let _ = conn.emit("publish", json!({ "to": ["role:admin"], "event": "driver:position", "data": update }));
                    }
                    let msg = json!({ "to": [format!("order:{order_id}")], "event": "delivery:location_update", "data": update });
                    if ack {
                        conn.emit_ack("publish", msg).await
                    } else {
                        conn.emit("publish", msg).map(|_| json!({ "ok": true, "sent": true }))
                    }
                };
                match sent {
                    Ok(v) if v["ok"] == true && v["sent"] != false => {
                        counters[1].fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(v) if v["ok"] == true || v["error"]["code"] == "rate_limited" => {
                        // Throttled by the rules: nobody should hear of it.
                        track.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&report);
                        counters[2].fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        track.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&report);
                        counters[3].fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            conn
        }));
    }
    let mut conns = Vec::new();
    for t in tasks {
        conns.push(t.await?);
    }
    drop(clock);
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = target.sample().cpu_percent_since(&cpu_before);
    let wait = Instant::now() + Duration::from_secs(5);
    while !track
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_empty()
        && Instant::now() < wait
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(conns);
    {
        let pending = track.pending.lock().unwrap_or_else(|e| e.into_inner());
        if !pending.is_empty() {
            let mut orders: Vec<i64> = pending.keys().map(|k| k.0).collect();
            orders.sort_unstable();
            orders.dedup();
            println!(
                "{} passed reports never arrived, on {} deliveries (first: {:?})",
                pending.len(),
                orders.len(),
                &orders[..orders.len().min(10)]
            );
        }
    }
    let accepted = counters[1].load(Ordering::Relaxed);
    let delivered = track.delivered.load(Ordering::Relaxed);
    let admin_updates = track.admin.load(Ordering::Relaxed);
    let result = LocationResult {
        drivers: d,
        seconds: args.location_seconds,
        reports: counters[0].load(Ordering::Relaxed),
        accepted,
        throttled: counters[2].load(Ordering::Relaxed),
        errors: counters[3].load(Ordering::Relaxed),
        delivered,
        delivered_share: if accepted == 0 {
            0.0
        } else {
            delivered as f64 / accepted as f64
        },
        admin_updates,
        messages_per_second: (delivered + admin_updates) as f64 / elapsed,
        latency: track.latencies.take(),
        server_cpu_percent: cpu,
    };
    println!(
        "{} reports, {} passed the throttle, {} delivered ({:.3}%), p50 {:.2} ms p99 {:.2} ms max {:.1} ms, {} admin updates, server CPU {:.0}%",
        result.reports,
        result.accepted,
        result.delivered,
        result.delivered_share * 100.0,
        result.latency.p50_ms,
        result.latency.p99_ms,
        result.latency.max_ms,
        result.admin_updates,
        result.server_cpu_percent
    );
    Ok(result)
}

type Drivers = Vec<(Conn, i64, (f64, f64))>;

/// Real deliveries: each driver goes online beside a restaurant, an order
/// is placed and confirmed there, the offer reaches that driver (the only
/// free one nearby) and the driver accepts it through the API.
async fn mealstream_setup(
    target: &Target,
    d: usize,
    sink: Sink,
) -> anyhow::Result<(Drivers, Vec<Conn>)> {
    let customers_n = d.div_ceil(ORDERS_PER_CUSTOMER);
    let fixture = Fixture::new(target, d + customers_n + KITCHENS + ADMINS).await?;
    println!(
        "signing in {d} drivers, {customers_n} customers, {KITCHENS} restaurants, {ADMINS} admins"
    );
    let drivers = fixture.accounts(Role::Driver, "loc-driver", d).await?;
    let customers = fixture.accounts(Role::Customer, "loc", customers_n).await?;
    let kitchens = fixture.kitchens(KITCHENS).await?;
    let admins = fixture.accounts(Role::Admin, "loc-admin", ADMINS).await?;
    let progress = swarm::bar(d as u64, "assigning");
    let mut out = Vec::with_capacity(d);
    let mut watches: Vec<(usize, i64)> = Vec::with_capacity(d);
    let noop: Sink = Arc::new(|_, _, _| {});
    for (i, driver) in drivers.iter().enumerate() {
        let kitchen = &kitchens[i % KITCHENS];
        let (conn, _) = super::wire::connect(
            &target.dial(&[], Some(driver.cookie.clone()), i),
            i,
            noop.clone(),
        )
        .await?;
        let start = (kitchen.lat, kitchen.lng + 0.0002);
        conn.emit_ack("driver:availability", json!({ "online": true }))
            .await?;
        let at = conn
            .emit_ack("driver:location", json!({ "lat": start.0, "lng": start.1 }))
            .await?;
        anyhow::ensure!(at["ok"] == true, "first location refused: {at}");
        let customer = i / ORDERS_PER_CUSTOMER;
        let order_id = fixture.place(&customers[customer], kitchen).await?;
        fixture
            .set_status(&kitchen.staff, order_id, "confirmed")
            .await?;
        let mut taken = Err(anyhow::anyhow!("no offer"));
        for _ in 0..50 {
            taken = fixture
                .call(
                    driver,
                    "POST",
                    &format!("/api/orders/{order_id}/accept"),
                    &Value::Null,
                )
                .await;
            if taken.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        taken.with_context(|| format!("driver {i} could not take order {order_id}"))?;
        watches.push((customer, order_id));
        out.push((conn, order_id, start));
        progress.inc(1);
    }
    progress.finish();
    // The watchers: each customer watches their deliveries; admins see the map.
    let dials = customers
        .iter()
        .chain(admins.iter())
        .enumerate()
        .map(|(i, a)| target.dial(&[], Some(a.cookie.clone()), d + i))
        .collect();
    let opened = swarm::open(dials, sink, "watchers").await;
    anyhow::ensure!(
        opened.failures == 0,
        "watchers failed: {:?}",
        opened.first_error
    );
    let watchers: Vec<Conn> = opened.conns.into_iter().flatten().map(|(c, _)| c).collect();
    for (customer, order_id) in watches {
        let ack = watchers[customer]
            .emit_ack("order:watch", json!({ "orderId": order_id }))
            .await?;
        anyhow::ensure!(ack["ok"] == true, "order:watch refused: {ack}");
    }
    fixture.close().await;
    Ok((out, watchers))
}

/// The peers: the same rooms, joined at connect.
async fn peer_setup(target: &Target, d: usize, sink: Sink) -> anyhow::Result<(Drivers, Vec<Conn>)> {
    let customers_n = d.div_ceil(ORDERS_PER_CUSTOMER);
    let mut dials: Vec<_> = (0..d)
        .map(|i| target.dial(&[format!("driver:{i}")], None, i))
        .collect();
    dials.extend((0..customers_n).map(|c| {
        let rooms: Vec<String> = (0..ORDERS_PER_CUSTOMER)
            .map(|j| c * ORDERS_PER_CUSTOMER + j)
            .filter(|o| *o < d)
            .map(|o| format!("order:{}", o + 1))
            .collect();
        target.dial(&rooms, None, d + c)
    }));
    dials.extend(
        (0..ADMINS).map(|a| target.dial(&["role:admin".into()], None, d + customers_n + a)),
    );
    let opened = swarm::open(dials, sink, "connecting").await;
    anyhow::ensure!(
        opened.failures == 0,
        "connections failed: {:?}",
        opened.first_error
    );
    let mut conns: Vec<Conn> = opened.conns.into_iter().flatten().map(|(c, _)| c).collect();
    let watchers = conns.split_off(d);
    let centre = model::geo::CITY_CENTRE;
    let drivers = conns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c,
                i as i64 + 1,
                (centre.lat + (i % 100) as f64 * 0.0005, centre.lng),
            )
        })
        .collect();
    Ok((drivers, watchers))
}
