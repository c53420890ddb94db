//! Orders under load and after a drop: fifty concurrent transitions leave
//! one consistent history, and a reconnect with `lastEventId` replays
//! exactly what was missed, on SQLite and on PostgreSQL.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{next_event, spawn_app_on, Backend};

async fn concurrent_transitions_leave_one_consistent_history(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.login_demo("customer@mealstream.test").await;
    let id = app.place_order().await["id"].as_i64().unwrap();
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let steps = ["confirmed", "preparing", "ready", "rejected", "cancelled"];
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let client = staff.client.clone();
            let url = staff.url(&format!("/api/orders/{id}/status"));
            let status = steps[i % steps.len()];
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({ "status": status, "reason": "test" }))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert!(
        codes.iter().all(|c| *c == 200 || *c == 409),
        "only success or conflict: {codes:?}"
    );
    let order: Value = staff
        .get(&format!("/api/orders/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let history: Vec<&str> = order["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        history.len() as u64,
        1 + codes.iter().filter(|c| **c == 200).count() as u64
    );
    assert_eq!(
        order["version"].as_i64().unwrap() as usize,
        history.len() - 1
    );
    assert_eq!(history.last().copied(), order["status"].as_str());
    // Every recorded step is a legal one from the step before it.
    for pair in history.windows(2) {
        let legal = matches!(
            (pair[0], pair[1]),
            ("placed", "confirmed" | "rejected" | "cancelled")
                | ("confirmed", "preparing" | "cancelled")
                | ("preparing", "ready" | "cancelled")
                | ("ready", "cancelled")
        );
        assert!(legal, "illegal step in history {history:?}");
    }
}

#[tokio::test]
async fn fifty_concurrent_transitions_leave_a_consistent_history_on_sqlite() {
    concurrent_transitions_leave_one_consistent_history(Backend::Sqlite).await;
}

#[tokio::test]
async fn fifty_concurrent_transitions_leave_a_consistent_history_on_postgres() {
    if !crate::helpers::configured(&[crate::helpers::Backend::Postgres]) {
        return;
    }
    concurrent_transitions_leave_one_consistent_history(Backend::Postgres).await;
}

async fn reconnect_replays_exactly_the_missed_events(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (customer, socket, mut events, _) = app.connect_as("customer@mealstream.test").await;
    let id = customer.place_order().await["id"].as_i64().unwrap();
    let created = next_event(&mut events, "order:created").await.unwrap();
    let last_seen = created["eventId"].as_i64().unwrap();
    socket.disconnect().await.unwrap();

    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    for status in ["confirmed", "preparing", "ready"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }

    let (again, mut replayed) = customer
        .socket_with_auth(
            customer.cookie_header().as_deref(),
            json!({ "lastEventId": last_seen }),
        )
        .await;
    let mut got = Vec::new();
    while let Some((name, value)) = tokio::time::timeout(Duration::from_secs(5), replayed.recv())
        .await
        .ok()
        .flatten()
    {
        match name.as_str() {
            "hello" => {
                assert!(value["lastEventId"].as_i64().unwrap() >= last_seen + 3);
                break;
            }
            "connect" => continue,
            _ => got.push((name, value)),
        }
    }
    let steps: Vec<(&str, &str)> = got
        .iter()
        .map(|(n, v)| (n.as_str(), v["to"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("order:status_changed", "confirmed"),
            ("notification:new", ""),
            ("order:status_changed", "preparing"),
            ("notification:new", ""),
            ("order:status_changed", "ready"),
            ("notification:new", "")
        ]
    );
    let ids: Vec<i64> = got
        .iter()
        .map(|(_, v)| v["eventId"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > last_seen,
        "in order, after the last seen: {ids:?}"
    );
    // The same events over REST.
    let rest: Vec<Value> = customer
        .get(&format!("/api/events?since={last_seen}"))
        .await
        .json()
        .await
        .unwrap();
    let rest_ids: Vec<i64> = rest
        .iter()
        .map(|e| e["eventId"].as_i64().unwrap())
        .collect();
    assert_eq!(rest_ids, ids);
    assert_eq!(rest[0]["type"], "order:status_changed");
    // Each pushed note is the one stored, with the unread count after it
    // (on PostgreSQL the id and the count are put in by SQL).
    let stored: Value = customer
        .get("/api/notifications")
        .await
        .json()
        .await
        .unwrap();
    let pushed: Vec<&Value> = got
        .iter()
        .filter(|(name, _)| name == "notification:new")
        .map(|(_, v)| v)
        .collect();
    let first_unread = pushed[0]["unread"].as_i64().unwrap();
    assert!(first_unread >= 1, "{:?}", pushed[0]);
    for (i, note) in pushed.iter().enumerate() {
        assert_eq!(note["unread"], first_unread + i as i64);
        let note_id = &note["notification"]["id"];
        let kept = stored["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == *note_id)
            .unwrap_or_else(|| panic!("note {note_id} is not stored: {stored}"));
        assert_eq!(note["notification"], *kept);
        assert_eq!(kept["orderId"], id);
    }
    // The count is kept, not counted: marking read takes off what it marked.
    let last = pushed.last().unwrap();
    let res = customer
        .post_json(
            "/api/notifications/read",
            &json!({ "ids": [last["notification"]["id"]] }),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["unread"],
        last["unread"].as_i64().unwrap() - 1
    );
    let res = customer
        .post_json("/api/notifications/read", &json!({ "all": true }))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 0);
    drop(again);
}

#[tokio::test]
async fn reconnect_with_last_event_id_replays_the_three_missed_changes_on_sqlite() {
    reconnect_replays_exactly_the_missed_events(Backend::Sqlite).await;
}

#[tokio::test]
async fn reconnect_with_last_event_id_replays_the_three_missed_changes_on_postgres() {
    if !crate::helpers::configured(&[crate::helpers::Backend::Postgres]) {
        return;
    }
    reconnect_replays_exactly_the_missed_events(Backend::Postgres).await;
}
