//! `mealstream simulate --drivers N`: N simulated drivers working a running
//! server through its public API and Socket.IO, for demos and load. Each
//! goes online, wanders near the centre, takes offers, rides to the
//! restaurant, waits for the meal, rides to the customer and delivers.
//! Driver accounts (`sim-driver-N@mealstream.test`) are created in the
//! database first, since only admins' tooling may make drivers.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures_util::FutureExt;
use model::geo::{distance_m, LatLng, CITY_CENTRE};
use model::{Role, DEMO_PASSWORD};
use rust_socketio::asynchronous::ClientBuilder;
use rust_socketio::{Event, Payload};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use clap::Args;

use crate::seeds::Seeds;

/// Riding speed, metres per second (~29 km/h: a scooter in town).
const SPEED_MPS: f64 = 8.0;

#[derive(Clone, Debug, Args)]
pub struct SimulateArgs {
    /// How many drivers (accounts sim-driver-N@mealstream.test are created).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=2000))]
    pub drivers: u16,
    /// The server to drive.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub seconds: u64,
    /// The server's database, where the driver accounts are created.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/mealstream.db"
    )]
    pub database_url: String,
}

/// Runs until `args.seconds` pass or `stop` resolves (Ctrl-C).
pub async fn run(
    args: SimulateArgs,
    seeds: &dyn Seeds,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let db = seeds.open(args.database_url.trim()).await?;
    let mut emails = Vec::with_capacity(usize::from(args.drivers));
    for i in 1..=args.drivers {
        let email = format!("sim-driver-{i}@mealstream.test");
        db.user(&email, &format!("Sim Driver {i}"), Role::Driver)
            .await?;
        emails.push(email);
    }
    db.close().await;
    let base = Arc::new(args.url.trim_end_matches('/').to_owned());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.seconds);
    println!(
        "{} simulated drivers on {} for {} s (Ctrl-C stops)",
        args.drivers, base, args.seconds
    );
    let mut tasks = Vec::new();
    for (i, email) in emails.into_iter().enumerate() {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = drive(&base, &email, i as u64, deadline).await {
                eprintln!("{email}: {e:#}");
            }
        }));
    }
    tokio::select! {
        _ = futures_util::future::join_all(tasks) => {}
        _ = stop => {}
    }
    println!("simulation over");
    Ok(())
}

/// A small deterministic pseudo-random walk, so runs are repeatable.
struct Wander(u64);

impl Wander {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as f64) / (u32::MAX as f64) - 0.5
    }
}

/// One step of `SPEED_MPS` seconds' riding from `from` towards `to`.
fn step_towards(from: LatLng, to: LatLng) -> LatLng {
    let d = distance_m(from, to);
    if d <= SPEED_MPS {
        return to;
    }
    let f = SPEED_MPS / d;
    LatLng {
        lat: from.lat + (to.lat - from.lat) * f,
        lng: from.lng + (to.lng - from.lng) * f,
    }
}

async fn drive(
    base: &str,
    email: &str,
    seed: u64,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .timeout(Duration::from_secs(10))
        .build()?;
    let res = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({ "email": email, "password": DEMO_PASSWORD }))
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "sign-in failed: {}",
        res.status()
    );
    let cookie = reqwest::cookie::CookieStore::cookies(&*jar, &base.parse()?)
        .context("no session cookie")?
        .to_str()?
        .to_owned();
    let (offers_tx, mut offers) = mpsc::unbounded_channel::<i64>();
    let socket = ClientBuilder::new(base.to_owned())
        .namespace("/")
        .opening_header("Cookie", cookie)
        .on("delivery:offer", move |payload: Payload, _| {
            if let Payload::Text(values) = payload {
                if let Some(id) = values.first().and_then(|v| v["orderId"].as_i64()) {
                    let _ = offers_tx.send(id);
                }
            }
            async {}.boxed()
        })
        .on(Event::Error, |payload, _| {
            eprintln!("socket error: {payload:?}");
            async {}.boxed()
        })
        .connect()
        .await
        .context("socket connection")?;
    socket
        .emit("driver:availability", json!({ "online": true }))
        .await?;

    let mut wander = Wander(seed + 1);
    let mut here = LatLng {
        lat: CITY_CENTRE.lat + wander.next() * 0.01,
        lng: CITY_CENTRE.lng + wander.next() * 0.01,
    };
    let mut tick = tokio::time::interval(Duration::from_millis(1100));
    let report = |at: LatLng| json!({ "lat": at.lat, "lng": at.lng, "speed": SPEED_MPS });
    while tokio::time::Instant::now() < deadline {
        tick.tick().await;
        // Idle: drift a little and take the first offer that is still open.
        here = LatLng {
            lat: here.lat + wander.next() * 0.0004,
            lng: here.lng + wander.next() * 0.0004,
        };
        socket.emit("driver:location", report(here)).await?;
        let Ok(order_id) = offers.try_recv() else {
            continue;
        };
        let res = http
            .post(format!("{base}/api/orders/{order_id}/accept"))
            .send()
            .await?;
        if !res.status().is_success() {
            continue;
        }
        let order: Value = res.json().await?;
        let pickup = LatLng {
            lat: order["pickup"]["lat"].as_f64().unwrap_or(here.lat),
            lng: order["pickup"]["lng"].as_f64().unwrap_or(here.lng),
        };
        let dropoff = LatLng {
            lat: order["dropoff"]["lat"].as_f64().unwrap_or(here.lat),
            lng: order["dropoff"]["lng"].as_f64().unwrap_or(here.lng),
        };
        println!("{email}: took order #{order_id}");
        for (target, then) in [(pickup, "out_for_delivery"), (dropoff, "delivered")] {
            while here != target && tokio::time::Instant::now() < deadline {
                tick.tick().await;
                here = step_towards(here, target);
                socket.emit("driver:location", report(here)).await?;
            }
            // At the restaurant, wait for the kitchen; at the door, deliver.
            loop {
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
                let res = http
                    .post(format!("{base}/api/orders/{order_id}/status"))
                    .json(&json!({ "status": then }))
                    .send()
                    .await?;
                match res.status().as_u16() {
                    200 => break,
                    409 => tick.tick().await,
                    _ => return Ok(()), // cancelled or gone: back to idle on the next run
                };
                let current: Value = http
                    .get(format!("{base}/api/orders/{order_id}"))
                    .send()
                    .await?
                    .json()
                    .await?;
                if matches!(current["status"].as_str(), Some("cancelled" | "rejected")) {
                    break;
                }
            }
        }
        println!("{email}: delivered order #{order_id}");
    }
    socket
        .emit("driver:availability", json!({ "online": false }))
        .await?;
    socket.disconnect().await?;
    Ok(())
}
