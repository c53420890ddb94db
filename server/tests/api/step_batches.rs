//! Status changes written many to a statement on PostgreSQL
//! (`store::pg_steps`): each change keeps its own outcome, two changes of
//! one order never both win, and notifications to one user in one
//! statement each get their own id and unread count, in order.

use std::collections::BTreeMap;
use std::sync::Arc;

use mealstream_core::store::events::NewEvent;
use mealstream_core::store::notifications::NewNotification;
use mealstream_core::store::pg_write::{self, Logged, Step};
use mealstream_core::store::restaurants::NewRestaurant;
use mealstream_core::store::{self, Db};
use model::{EventId, OrderId, OrderStatus, RestaurantId, Role, UserId};
use serde_json::Value;

use crate::helpers::{configured, fresh_postgres_database, Backend};

const ORDERS: i64 = 40;

/// One note of `kind` about `order` to each of `users`, in that order, as
/// a write logs them (id and unread filled in by SQL).
pub(crate) fn notes_to(
    users: &[UserId],
    kind: &'static str,
    order: OrderId,
) -> Vec<(NewNotification<'static>, String)> {
    users
        .iter()
        .map(|&user_id| {
            (
                NewNotification {
                    user_id,
                    kind,
                    title: "Order",
                    body: "Something happened",
                    order_id: Some(order),
                },
                r#"{"notification":{"id":0},"unread":0}"#.to_owned(),
            )
        })
        .collect()
}

/// Moves `order` from version 0 to preparing, with one event to the
/// admins and one notification to `customer`.
async fn prepare(db: &Db, order: OrderId, customer: UserId, by: UserId) -> Option<EventId> {
    try_prepare(db, order, customer, by)
        .await
        .expect("the statement runs")
}

async fn try_prepare(
    db: &Db,
    order: OrderId,
    customer: UserId,
    by: UserId,
) -> Result<Option<EventId>, sqlx::Error> {
    prepare_noting(db, order, &[customer], by).await
}

/// Moves `order` from version 0 to preparing, with one event to the
/// admins and one notification to each of `users`, in that order.
pub(crate) async fn prepare_noting(
    db: &Db,
    order: OrderId,
    users: &[UserId],
    by: UserId,
) -> Result<Option<EventId>, sqlx::Error> {
    let events = [NewEvent {
        kind: "order:status_changed".into(),
        payload: format!(r#"{{"orderId":{}}}"#, order.0),
        at: 7,
        rooms: vec!["role:admin".into()],
    }];
    let notes = notes_to(users, "order:status_changed", order);
    let step = Step {
        order_id: order,
        version: 0,
        to: OrderStatus::Preparing,
        by,
        reason: None,
        logged: Logged {
            at: 7,
            events: &events,
            notes: &notes,
        },
    };
    pg_write::apply(db, &step).await
}

/// A restaurant named R, with no staff and no menu.
pub(crate) async fn a_restaurant(db: &Db) -> RestaurantId {
    store::restaurants::insert(
        db,
        &NewRestaurant {
            name: "R",
            cuisine: "c",
            address: "a",
            lat: 0.0,
            lng: 0.0,
        },
    )
    .await
    .unwrap()
}

/// A fresh database with a customer, a restaurant's staff member and
/// `ORDERS` confirmed orders of the customer (ids 1 to `ORDERS`).
pub(crate) async fn fixture() -> (Db, UserId, UserId) {
    let db = Db::connect(&fresh_postgres_database().await)
        .await
        .expect("database");
    db.migrate().await.expect("migrations");
    let user = |email: &'static str, role| {
        let db = db.clone();
        async move {
            store::users::insert(&db, email, email, "h", role)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let customer = user("c@x.test", Role::Customer).await;
    let staff = user("s@x.test", Role::Restaurant).await;
    let restaurant = a_restaurant(&db).await;
    for _ in 0..ORDERS {
        sqlx::query(
            "INSERT INTO orders (customer_id, restaurant_id, status, subtotal_cents, \
             delivery_fee_cents, total_cents, dropoff_address, dropoff_lat, dropoff_lng, \
             version, created_at, updated_at) \
             VALUES ($1, $2, 'confirmed', 1, 1, 2, 'a', 0, 0, 0, 1, 1)",
        )
        .bind(customer.0)
        .bind(restaurant.0)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    (db, customer, staff)
}

#[tokio::test]
async fn changes_written_together_each_keep_their_own_outcome() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let (db, customer, staff) = fixture().await;

    // Every order moved twice at once from the same version: exactly one
    // of each pair wins.
    let db = Arc::new(db);
    let before = db.step_batches();
    let writers: Vec<_> = (1..=ORDERS)
        .flat_map(|id| [id, id])
        .map(|id| {
            let db = db.clone();
            tokio::spawn(async move { (id, prepare(&db, OrderId(id), customer, staff).await) })
        })
        .collect();
    let mut won = BTreeMap::new();
    for writer in writers {
        let (id, newest) = writer.await.unwrap();
        if let Some(newest) = newest {
            assert!(
                won.insert(id, newest).is_none(),
                "both changes of order {id} won"
            );
        }
    }
    assert_eq!(won.len() as i64, ORDERS, "every order moved once");
    let statements = db.step_batches() - before;
    assert!(
        statements < 2 * ORDERS as u64,
        "{} changes took {statements} statements: none were written together",
        2 * ORDERS
    );

    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&db.pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM orders WHERE status = 'preparing' AND version = 1").await,
        ORDERS
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM order_history WHERE status = 'preparing'").await,
        ORDERS
    );
    assert_eq!(count("SELECT COUNT(*) FROM notifications").await, ORDERS);
    assert_eq!(
        count("SELECT MAX(unread_notifications) FROM users").await,
        ORDERS
    );
    assert_eq!(count("SELECT COUNT(*) FROM event_rooms").await, 2 * ORDERS);

    // Each change's events: its own, then its notification, the newest
    // being the id its change answered. The notifications' ids and unread
    // counts grow together, one by one.
    let events = store::events::after(&db, EventId(0), 1_000).await.unwrap();
    assert_eq!(events.len() as i64, 2 * ORDERS);
    let mut unread = Vec::new();
    for pair in events.chunks(2) {
        let (own, note) = (&pair[0], &pair[1]);
        assert_eq!(own.kind, "order:status_changed");
        assert_eq!(note.kind, "notification:new");
        let order: Value = serde_json::from_str(&own.payload).unwrap();
        let order = order["orderId"].as_i64().unwrap();
        assert_eq!(won[&order], note.id, "order {order}'s newest event");
        assert_eq!(note.rooms, [format!("user:{}", customer.0)]);
        let payload: Value = serde_json::from_str(&note.payload).unwrap();
        unread.push((
            payload["notification"]["id"].as_i64().unwrap(),
            payload["unread"].as_i64().unwrap(),
        ));
    }
    unread.sort_unstable();
    let counts: Vec<i64> = unread.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, (1..=ORDERS).collect::<Vec<_>>());
    let stored: Vec<i64> = sqlx::query_scalar("SELECT id FROM notifications ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let sent: Vec<i64> = unread.iter().map(|(id, _)| *id).collect();
    assert_eq!(sent, stored, "the ids sent are the ids stored");
}

/// A change that cannot be written (its author does not exist: the
/// history's foreign key refuses it) fails alone: the changes that shared
/// its statement are written again without it.
#[tokio::test]
async fn a_change_that_fails_takes_no_other_change_with_it() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let (db, customer, staff) = fixture().await;
    let db = Arc::new(db);
    let nobody = UserId(999_999);
    let writers: Vec<_> = (1..=ORDERS)
        .map(|id| {
            let db = db.clone();
            let by = if id == ORDERS / 2 { nobody } else { staff };
            tokio::spawn(async move { (id, try_prepare(&db, OrderId(id), customer, by).await) })
        })
        .collect();
    for writer in writers {
        let (id, outcome) = writer.await.unwrap();
        if id == ORDERS / 2 {
            assert!(outcome.is_err(), "order {id}'s change has no author");
        } else {
            assert!(matches!(outcome, Ok(Some(_))), "order {id}: {outcome:?}");
        }
    }
    let moved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE version = 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(moved, ORDERS - 1);
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        events,
        2 * (ORDERS - 1),
        "nothing of the failed change is logged"
    );
}
