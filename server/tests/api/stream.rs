//! Server-Sent Events: the same events as the socket, resumable.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

use crate::helpers::{spawn_app, TestApp};

/// Reads SSE frames until `n` events arrived; returns (id, event, data).
async fn read_events(res: reqwest::Response, n: usize) -> Vec<(i64, String, Value)> {
    let mut body = res.bytes_stream();
    let mut buffer = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    while events.len() < n {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("events in time")
            .expect("open stream")
            .unwrap();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| {
                frame
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            };
            if let (Some(id), Some(event), Some(data)) =
                (field("id:"), field("event:"), field("data:"))
            {
                events.push((
                    id.parse().unwrap(),
                    event,
                    serde_json::from_str(&data).unwrap(),
                ));
            }
        }
    }
    events
}

async fn open(client: &TestApp, last_event_id: Option<i64>) -> reqwest::Response {
    let mut req = client
        .client
        .get(client.url("/api/events/stream"))
        .timeout(Duration::from_secs(30));
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert_eq!(res.headers()["x-accel-buffering"], "no");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    res
}

#[tokio::test]
async fn the_stream_resumes_from_last_event_id_with_exactly_the_missed_events() {
    let app = spawn_app().await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let live = open(&customer, None).await;
    let id = customer.place_order().await["id"].as_i64().unwrap();
    let first = read_events(live, 1).await;
    assert_eq!(first[0].1, "order:created");
    assert_eq!(first[0].2["orderId"], id);
    assert_eq!(first[0].2["eventId"], first[0].0);

    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    for status in ["confirmed", "preparing"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }
    // Each step, then the customer's notification of it.
    let resumed = read_events(open(&customer, Some(first[0].0)).await, 4).await;
    let kinds: Vec<(&str, &str)> = resumed
        .iter()
        .map(|(_, kind, d)| (kind.as_str(), d["to"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        kinds,
        [
            ("order:status_changed", "confirmed"),
            ("notification:new", ""),
            ("order:status_changed", "preparing"),
            ("notification:new", "")
        ]
    );
    assert!(resumed[0].0 > first[0].0 && resumed.windows(2).all(|w| w[1].0 > w[0].0));
}

#[tokio::test]
async fn the_stream_needs_a_session_and_a_numeric_last_event_id() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/events/stream").await.status(), 401);
    app.login_demo("customer@mealstream.test").await;
    let res = app
        .client
        .get(app.url("/api/events/stream"))
        .header("Last-Event-ID", "abc")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn signing_out_elsewhere_ends_the_stream() {
    let app = spawn_app().await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let mut stream = open(&customer, None).await.bytes_stream();
    customer
        .client
        .post(customer.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    // The stream checks its session every 15 s: it says why and ends.
    let mut seen = String::new();
    let ended = tokio::time::timeout(Duration::from_secs(25), async {
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(bytes) => seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => break,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ended; got {seen:?}");
    assert!(seen.contains("event: session:revoked"), "{seen:?}");
}

#[tokio::test]
async fn streams_follow_the_tail_live_through_a_burst_and_from_another_node() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = crate::cluster::cluster().await;
    let cookies = crate::cluster::jar();
    let on_a = a.client(cookies.clone());
    on_a.login_demo("customer@mealstream.test").await;
    let on_b = b.client(cookies);
    // Three streams on node B, all fed by B's one read of the log.
    let streams = futures_util::future::join_all((0..3).map(|_| open(&on_b, None))).await;
    // A burst of checkouts through node A.
    let mut placed = Vec::new();
    for _ in 0..5 {
        placed.push(on_a.place_order().await["id"].as_i64().unwrap());
    }
    for stream in streams {
        let got = read_events(stream, 5).await;
        let orders: Vec<i64> = got
            .iter()
            .map(|(_, kind, data)| {
                assert_eq!(kind, "order:created");
                data["orderId"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(orders, placed, "every change once, in order, on node B");
        assert!(got.windows(2).all(|w| w[1].0 > w[0].0));
    }
}
