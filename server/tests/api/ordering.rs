//! Event ids without a cluster-wide lock held across a change: eight
//! writers on two nodes commit at once, and a reader that hops between the
//! nodes, reconnecting each time with the last id it has, never receives a
//! new id lower than one it already has, and misses none.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::nodes::{cluster, jar, Node};

/// Orders each writer places and moves two steps: three events each that
/// reach admins (created, confirmed, preparing).
const ROUNDS: usize = 8;
const WRITERS: usize = 8;

/// What the reader holds: every id once, and the newest.
#[derive(Default)]
struct Reader {
    seen: BTreeSet<i64>,
    last: i64,
}

impl Reader {
    fn receive(&mut self, name: &str, value: &Value) {
        if name == "hello" {
            // Everything up to here was sent before `hello` (the replay).
            let caught_up = value["lastEventId"].as_i64().expect("hello.lastEventId");
            assert!(
                caught_up >= self.last,
                "hello went back: {caught_up} < {}",
                self.last
            );
            return;
        }
        let Some(id) = value.get("eventId").and_then(Value::as_i64) else {
            return;
        };
        if self.seen.contains(&id) {
            return; // a duplicate (replay and live overlap): dropped by id
        }
        assert!(
            id > self.last,
            "{name} {id} arrived after {}: an event overtaken by a later one",
            self.last
        );
        self.seen.insert(id);
        self.last = id;
    }
}

/// One writer: a customer on one node orders, the kitchen on the other
/// node takes it two steps.
async fn write(customer: TestApp, staff: TestApp) {
    for _ in 0..ROUNDS {
        let id = customer.place_order().await["id"]
            .as_i64()
            .expect("order id");
        for status in ["confirmed", "preparing"] {
            let res = staff.set_status(id, status).await;
            assert_eq!(res.status(), 200, "{status}");
        }
    }
}

/// Listens on `node` for `window`, resuming after the reader's last id.
async fn hop(
    node: &Node,
    reader_jar: &std::sync::Arc<reqwest::cookie::Jar>,
    reader: &mut Reader,
    window: Duration,
) {
    let client = node.client(reader_jar.clone());
    let (socket, mut events) = client
        .socket_with_auth(
            client.cookie_header().as_deref(),
            json!({ "lastEventId": reader.last }),
        )
        .await;
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some((name, value))) = tokio::time::timeout_at(deadline, events.recv()).await {
        reader.receive(&name, &value);
    }
    let _ = socket.disconnect().await;
    // What was already on its way before the disconnect, in order.
    while let Ok((name, value)) = events.try_recv() {
        reader.receive(&name, &value);
    }
}

#[tokio::test]
async fn a_reader_hopping_between_nodes_gets_every_event_once_in_id_order() {
    let (a, b) = cluster().await;
    let nodes = [&a, &b];
    let reader_jar = jar();
    nodes[0]
        .client(reader_jar.clone())
        .login_demo("admin@mealstream.test")
        .await;

    let mut writers = tokio::task::JoinSet::new();
    for i in 0..WRITERS {
        let customer = nodes[i % 2].client(jar());
        let email = if i % 4 < 2 {
            "customer@mealstream.test"
        } else {
            "customer2@mealstream.test"
        };
        customer.login_demo(email).await;
        let staff = nodes[(i + 1) % 2].client(jar());
        staff.login_demo("restaurant@mealstream.test").await;
        writers.spawn(write(customer, staff));
    }

    let mut reader = Reader::default();
    let mut hops = 0;
    while !writers.is_empty() {
        // Windows of 60 to 250 ms: some hops land mid-burst, some between.
        let window = Duration::from_millis(60 + (hops * 37 % 190) as u64);
        hop(nodes[hops % 2], &reader_jar, &mut reader, window).await;
        hops += 1;
        while let Some(done) = writers.try_join_next() {
            done.expect("a writer failed");
        }
    }
    hop(
        nodes[hops % 2],
        &reader_jar,
        &mut reader,
        Duration::from_millis(1500),
    )
    .await;

    // The log, as the reader's user may read it.
    let client = nodes[0].client(reader_jar.clone());
    let mut logged = BTreeSet::new();
    let mut since = 0;
    loop {
        let page: Vec<Value> = client
            .get(&format!("/api/events?since={since}&limit=1000"))
            .await
            .json()
            .await
            .expect("events");
        let Some(last) = page.last() else { break };
        since = last["eventId"].as_i64().expect("eventId");
        logged.extend(page.iter().filter_map(|e| e["eventId"].as_i64()));
    }
    let missed: Vec<_> = logged.difference(&reader.seen).collect();
    assert!(missed.is_empty(), "missed {missed:?} over {hops} hops");
    assert_eq!(
        reader.seen.len(),
        WRITERS * ROUNDS * 3,
        "every order created and moved twice"
    );
}
