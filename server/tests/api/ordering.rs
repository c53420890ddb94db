//! Event ids without a cluster-wide lock held across a change: eight
//! writers on two nodes commit at once, and a reader that hops between the
//! nodes, reconnecting each time with the last id it has, never receives a
//! new id lower than one it already has, and misses none.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};

use crate::cluster::{cluster, jar, Node};
use crate::helpers::TestApp;

/// Orders each writer places and moves two steps: three events each that
/// reach admins (created, confirmed, preparing).
const ROUNDS: usize = 6;
const WRITERS: usize = 16;

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
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
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

/// The PostgreSQL horizon itself, made to bite: a transaction that took
/// its id first and commits last holds back the events committed after it,
/// and its own event then arrives first.
#[tokio::test]
async fn an_event_waits_for_an_older_transaction_and_arrives_after_it_in_id_order() {
    use sqlx::Executor;

    if !crate::helpers::configured(&[crate::helpers::Backend::Postgres]) {
        return;
    }
    let database_url = crate::helpers::fresh_postgres_database().await;
    let app = crate::helpers::spawn_app_with(
        crate::helpers::Backend::Postgres,
        Some(database_url.clone()),
        None,
    )
    .await;
    let (_admin, _socket, mut events, _) = app.connect_as("admin@mealstream.test").await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let order = customer.place_order().await["id"]
        .as_i64()
        .expect("order id");
    crate::helpers::next_event(&mut events, "order:created")
        .await
        .expect("created, live");

    // An older writer: its transaction id is taken before the change's.
    let (mut older, xid) = crate::helpers::older_transaction(&database_url).await;

    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    assert_eq!(staff.set_status(order, "confirmed").await.status(), 200);
    let early = crate::helpers::drain(&mut events, Duration::from_millis(600)).await;
    assert!(
        early.iter().all(|(name, _)| name != "order:status_changed"),
        "delivered past a transaction still running below it: {early:?}"
    );

    // The older writer logs an event of its own, then commits.
    older
        .execute(
            sqlx::query(
                "INSERT INTO events (id, kind, payload, at, rooms) \
                 VALUES ($1, 'system:announcement', '{\"message\":\"older\"}', 0, '[\"role:admin\"]')",
            )
            .bind((xid << 10) + 1),
        )
        .await
        .expect("older event");
    older
        .execute(
            sqlx::query("INSERT INTO event_rooms (event_id, room) VALUES ($1, 'role:admin')")
                .bind((xid << 10) + 1),
        )
        .await
        .expect("older rooms");
    older.execute("COMMIT").await.expect("commit");

    let first = crate::helpers::next_event(&mut events, "system:announcement")
        .await
        .expect("the older event");
    let second = crate::helpers::next_event(&mut events, "order:status_changed")
        .await
        .expect("the change, once the older writer is done");
    let (a, b) = (
        first["eventId"].as_i64().expect("id"),
        second["eventId"].as_i64().expect("id"),
    );
    assert!(a < b, "older {a} before newer {b}");
}
