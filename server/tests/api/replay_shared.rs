//! Sockets of one user that come back together with the same cursor share
//! one catch-up read (service::replay_cache). Sharing must not cost an
//! event: each socket gets every missed change once, in order, including
//! one made between two waves that share a read.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::helpers::{customer_and_staff, spawn_app, TestApp};

/// The order status changes a socket receives: (eventId, status), and
/// hello's lastEventId. It listens until it has `expect` changes (or 10 s
/// pass: a lost change fails the test), then for `window` more, so a
/// duplicate would show.
async fn until_quiet(
    mut events: UnboundedReceiver<(String, Value)>,
    expect: usize,
    window: Duration,
) -> (Vec<(i64, String)>, i64) {
    let mut changes = Vec::new();
    let mut caught_up = None;
    let mut deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Some((name, value))) = tokio::time::timeout_at(deadline, events.recv()).await {
        match name.as_str() {
            "order:status_changed" => changes.push((
                value["eventId"].as_i64().expect("eventId"),
                value["to"].as_str().unwrap_or_default().to_owned(),
            )),
            "hello" => caught_up = value["lastEventId"].as_i64(),
            _ => {}
        }
        if caught_up.is_some() && changes.len() == expect {
            deadline = tokio::time::Instant::now() + window;
        }
    }
    (changes, caught_up.expect("hello"))
}

async fn wave(
    customer: &TestApp,
    after: i64,
    sockets: usize,
) -> Vec<tokio::task::JoinHandle<(Vec<(i64, String)>, i64)>> {
    let mut waves = Vec::new();
    for _ in 0..sockets {
        let (socket, events) = customer
            .socket_with_auth(
                customer.cookie_header().as_deref(),
                json!({ "lastEventId": after }),
            )
            .await;
        waves.push(tokio::spawn(async move {
            let got = until_quiet(events, 3, Duration::from_millis(300)).await;
            let _ = socket.disconnect().await;
            got
        }));
    }
    waves
}

/// `mealstream_replay_reads_total{shared="true"}` as `/metrics` shows it
/// (the recorder is the process's, shared by every test app).
async fn shared_reads(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    metrics
        .lines()
        .find(|l| l.starts_with("mealstream_replay_reads_total") && l.contains("shared=\"true\""))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn sockets_returning_together_each_get_every_missed_change_once_in_order() {
    let app = spawn_app().await;
    let (customer, staff) = customer_and_staff(&app).await;
    let (socket, events) = customer.socket(customer.cookie_header().as_deref()).await;
    let (_, before) = until_quiet(events, 0, Duration::from_millis(100)).await;
    let _ = socket.disconnect().await;

    // Missed while away: an order and three steps.
    let order = customer.place_order().await;
    let id = order["id"].as_i64().unwrap();
    for status in ["confirmed", "preparing"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }

    let shared_before = shared_reads(&app).await;
    // Eight tabs come back at once, then another change, then eight more
    // with the same cursor: the second wave may share the first one's
    // read, and must still get the change made after it.
    let first = wave(&customer, before, 8).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(staff.set_status(id, "ready").await.status(), 200);
    let second = wave(&customer, before, 8).await;

    let statuses = |got: &[(i64, String)]| got.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>();
    for (n, socket) in first.into_iter().chain(second).enumerate() {
        let (got, caught_up) = socket.await.unwrap();
        let ids: Vec<i64> = got.iter().map(|(id, _)| *id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "socket {n}: in order, no duplicate: {got:?}"
        );
        assert_eq!(
            statuses(&got),
            ["confirmed", "preparing", "ready"],
            "socket {n}: every change once"
        );
        assert!(caught_up >= ids[1], "socket {n}: hello after the replay");
    }
    // And they shared their reads: at most a few of the sixteen queried.
    let shared = shared_reads(&app).await - shared_before;
    assert!(shared >= 8, "{shared} of 16 catch-ups shared a read");
}
