//! `idle`: N authenticated sockets in their rooms. How fast they connect,
//! and what each costs the server in resident memory.

use std::sync::Arc;
use std::time::Duration;

use model::Role;
use serde::Serialize;

use super::accounts::Fixture;
use super::targets::{Kind, Target};
use super::{swarm, LoadtestArgs};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdleResult {
    pub sockets: usize,
    pub connected: usize,
    pub failures: usize,
    pub first_error: Option<String>,
    pub connect_seconds: f64,
    pub connects_per_second: f64,
    pub baseline_rss_kb: u64,
    pub rss_kb: u64,
    pub bytes_per_socket: f64,
    /// Still connected after the hold (pings answered, nothing dropped).
    pub alive_after_hold: usize,
    pub hold_seconds: u64,
}

pub async fn run(target: &Target, args: &LoadtestArgs) -> anyhow::Result<IdleResult> {
    let n = args.sockets;
    let per_user = args.sockets_per_user as usize;
    let users = n.div_ceil(per_user);
    let dials = match target.kind {
        Kind::Mealstream | Kind::MealstreamTwoNodes => {
            let fixture = Fixture::new(target, users).await?;
            println!("signing in {users} customers");
            let customers = fixture.accounts(Role::Customer, "idle", users).await?;
            fixture.close().await;
            (0..n)
                .map(|i| target.dial(&[], Some(customers[i / per_user].cookie.clone()), i))
                .collect::<Vec<_>>()
        }
        _ => (0..n)
            .map(|i| {
                let u = i / per_user;
                let rooms = [
                    format!("user:{u}"),
                    "role:customer".into(),
                    format!("session:{u}"),
                ];
                target.dial(&rooms, None, i)
            })
            .collect(),
    };
    // Let the sign-ins' work settle before the baseline.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let baseline = target.sample();
    let opened = swarm::open(dials, Arc::new(|_, _, _| {}), "connecting").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let loaded = target.sample();
    println!(
        "{} connected in {:.1} s ({:.0}/s), {} failed; server RSS {} -> {} KiB",
        opened.connected(),
        opened.elapsed.as_secs_f64(),
        opened.rate(),
        opened.failures,
        baseline.rss_kb,
        loaded.rss_kb
    );
    // Hold past a ping interval's worth of quiet, to see they stay up.
    println!("holding {} s", args.hold_seconds);
    tokio::time::sleep(Duration::from_secs(args.hold_seconds)).await;
    let alive = opened
        .conns
        .iter()
        .flatten()
        .filter(|(c, _)| c.is_open())
        .count();
    let connected = opened.connected();
    Ok(IdleResult {
        sockets: n,
        connected,
        failures: opened.failures,
        first_error: opened.first_error.clone(),
        connect_seconds: opened.elapsed.as_secs_f64(),
        connects_per_second: opened.rate(),
        baseline_rss_kb: baseline.rss_kb,
        rss_kb: loaded.rss_kb,
        bytes_per_socket: loaded.bytes_each_since(&baseline, connected),
        alive_after_hold: alive,
        hold_seconds: args.hold_seconds,
    })
}
