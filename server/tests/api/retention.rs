//! What the event log keeps: an offer (with the customer's drop-off) leaves
//! the log once it is settled, and a client whose cursor is older than
//! what was pruned is told to fetch its state again instead of trusting a
//! replay with holes.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    available, confirmed_order, customer_and_staff, next_event, online_driver, spawn_app_opts,
    Backend, Opts, TestApp, NEAR_TASCA,
};

/// Events of `kind` that `client` can read from the start of the log, and
/// the `Mealstream-Resync` header of that answer.
async fn readable(client: &TestApp, kind: &str) -> (usize, String) {
    let res = client.get("/api/events?since=0&limit=1000").await;
    assert_eq!(res.status(), 200);
    let resync = res.headers()["mealstream-resync"]
        .to_str()
        .unwrap()
        .to_owned();
    let events: Vec<Value> = res.json().await.unwrap();
    (events.iter().filter(|e| e["type"] == kind).count(), resync)
}

/// Room rows whose event is gone.
async fn orphan_rooms(app: &TestApp) -> i64 {
    use sqlx::Connection as _;
    let mut db = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .expect("the app's database");
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM event_rooms r WHERE NOT EXISTS \
         (SELECT 1 FROM events e WHERE e.id = r.event_id)",
    )
    .fetch_one(&mut db)
    .await
    .expect("count")
}

#[tokio::test]
async fn a_driver_who_lost_an_offer_cannot_read_its_address_later() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_opts(
            backend,
            None,
            None,
            Opts {
                offer_retention: Some(Duration::from_secs(2)),
                ..Opts::default()
            },
        )
        .await;
        let winner = online_driver(&app, "driver@mealstream.test", NEAR_TASCA).await;
        let loser = online_driver(&app, "driver2@mealstream.test", NEAR_TASCA).await;
        let (customer, staff) = customer_and_staff(&app).await;
        let id = confirmed_order(&customer, &staff).await;
        let accepted = winner
            .client
            .post(winner.url(&format!("/api/orders/{id}/accept")))
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), 200, "{backend:?}");
        let (offers, resync) = readable(&loser, "delivery:offer").await;
        assert_eq!(
            (offers, resync.as_str()),
            (1, "false"),
            "{backend:?}: the offer is in the log while it is fresh"
        );
        // Once the retention has passed, it is gone for good.
        let mut left = offers;
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            left = readable(&loser, "delivery:offer").await.0;
            if left == 0 {
                break;
            }
        }
        assert_eq!(left, 0, "{backend:?}: the lost offer still replays");
        let (_, resync) = readable(&loser, "delivery:offer").await;
        assert_eq!(resync, "true", "{backend:?}: a cursor of 0 has a hole now");
        // Its rooms went with it (PostgreSQL has no cascade to do it).
        assert_eq!(
            orphan_rooms(&app).await,
            0,
            "{backend:?}: rooms outlived their event"
        );
        // The order itself is still the customer's to follow.
        let order: Value = customer
            .get(&format!("/api/orders/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(order["driver"]["name"], "Diogo Driver", "{backend:?}");
    }
}

#[tokio::test]
async fn a_socket_resuming_from_before_the_retention_is_told_to_resync() {
    let app = spawn_app_opts(
        Backend::Sqlite,
        None,
        None,
        Opts {
            offer_retention: Some(Duration::from_secs(1)),
            ..Opts::default()
        },
    )
    .await;
    let driver = online_driver(&app, "driver@mealstream.test", NEAR_TASCA).await;
    let (customer, staff) = customer_and_staff(&app).await;
    // An offer to the driver: what the retention prunes.
    confirmed_order(&customer, &staff).await;
    let cookie = driver.cookie_header();
    let mut resync = Value::Null;
    for round in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (socket, mut events) = driver
            .socket_with_auth(cookie.as_deref(), json!({ "lastEventId": 0 }))
            .await;
        let Some(hello) = next_event(&mut events, "hello").await else {
            let got = crate::helpers::drain(&mut events, Duration::from_millis(100)).await;
            panic!("round {round}: no hello: {got:?}");
        };
        socket.disconnect().await.expect("disconnects");
        resync = hello["resync"].clone();
        if resync == true {
            // A cursor from now on is whole again.
            let (_socket, mut events) = driver
                .socket_with_auth(
                    cookie.as_deref(),
                    json!({ "lastEventId": hello["lastEventId"] }),
                )
                .await;
            let again = next_event(&mut events, "hello").await.expect("hello");
            assert_eq!(again["resync"], false, "{again}");
            return;
        }
        assert_eq!(resync, false, "{hello}");
    }
    panic!("never told to resync: {resync}");
}

/// Pruning reads below the PostgreSQL horizon, as every reader does: an
/// offer logged after an older transaction began stays while that
/// transaction runs (it may still log events below the offer), and
/// `pruned_through` never passes the horizon. Before, it did, and readers
/// took events the older transaction then committed for already seen.
#[tokio::test]
async fn pruning_waits_for_the_horizon_like_every_reader() {
    use sqlx::{Connection as _, Executor as _, Row as _};
    if !crate::helpers::configured(&[Backend::Postgres]) {
        return;
    }
    let database_url = crate::helpers::fresh_postgres_database().await;
    let _app = spawn_app_opts(
        Backend::Postgres,
        Some(database_url.clone()),
        None,
        Opts {
            offer_retention: Some(Duration::from_secs(1)),
            ..Opts::default()
        },
    )
    .await;
    let (mut older, xid) = crate::helpers::older_transaction(&database_url).await;

    // A long-expired offer, logged (and committed) after the older writer
    // took its id.
    let mut db = sqlx::PgConnection::connect(&database_url)
        .await
        .expect("connect");
    let offer: i64 = db
        .fetch_one(
            "INSERT INTO events (id, kind, payload, at, rooms) \
             VALUES ((pg_current_xact_id()::text::bigint << 10) + 1, 'delivery:offer', '{}', 0, '[]') \
             RETURNING id",
        )
        .await
        .expect("offer")
        .get("id");
    assert!(offer > xid << 10);
    // Pruning runs every 200 ms: several passes while the older one runs.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (kept, pruned) = offer_state(&mut db, offer).await;
    assert!(kept, "pruned above the horizon");
    assert!(
        pruned < xid << 10,
        "pruned_through {pruned} passed the horizon"
    );

    older.execute("COMMIT").await.expect("commit");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (kept, pruned) = offer_state(&mut db, offer).await;
        if !kept {
            assert!(pruned >= offer, "pruned_through {pruned} behind the offer");
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "never pruned");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether event `offer` is still logged, and how far pruning has gone.
async fn offer_state(db: &mut sqlx::PgConnection, offer: i64) -> (bool, i64) {
    use sqlx::Row as _;
    let row = sqlx::query(
        "SELECT EXISTS (SELECT 1 FROM events WHERE id = $1) AS kept, \
         (SELECT pruned_through FROM log_retention WHERE id = 1) AS pruned",
    )
    .bind(offer)
    .fetch_one(db)
    .await
    .expect("state");
    (row.get("kept"), row.get("pruned"))
}
