//! Writes that raise several users' unread counts on PostgreSQL lock
//! those users' rows in id order, whatever order their notes come in: two
//! nodes' statements that locked them in different orders deadlocked, and
//! PostgreSQL ended one only after a second (`deadlock_timeout`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use mealstream_core::store::{self, Db};
use model::{EventId, OrderId, RestaurantId, Role, UserId};

use crate::checkout_batches::checkout;
use crate::helpers::{configured, Backend};
use crate::step_batches::{fixture, prepare_noting};

/// Ten new users, in id order.
async fn users(db: &Db) -> Vec<UserId> {
    let mut users = Vec::new();
    for i in 0..10 {
        let email = format!("n{i}@x.test");
        let user = store::users::insert(db, &email, &email, "h", Role::Customer)
            .await
            .unwrap()
            .unwrap();
        users.push(user.id);
    }
    // Rewritten highest first, so a scan in table order meets them in
    // the reverse of id order.
    for user in users.iter().rev() {
        sqlx::query("UPDATE users SET name = name WHERE id = $1")
            .bind(user.0)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    users
}

/// Holds the lowest of `users` in another transaction, starts `write`
/// (which notifies all of them), waits until it waits for that row, and
/// returns the other users' rows it had not locked by then; then lets it
/// finish and returns what it wrote.
async fn free_while_held<W>(db: &Db, users: &[UserId], write: W) -> (Vec<UserId>, Option<EventId>)
where
    W: Future<Output = Result<Option<EventId>, sqlx::Error>> + Send + 'static,
{
    let (lowest, highest) = (users[0], users[users.len() - 1]);
    let mut hold = db.pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(lowest.0)
        .execute(&mut *hold)
        .await
        .unwrap();
    let write = tokio::spawn(write);
    let mut waiting = 0;
    for _ in 0..400 {
        waiting = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(waiting, 1, "the write waits for the held row");
    let mut probe = db.pool.begin().await.unwrap();
    let free: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE id > $1 AND id <= $2 \
         ORDER BY id FOR NO KEY UPDATE SKIP LOCKED",
    )
    .bind(lowest.0)
    .bind(highest.0)
    .fetch_all(&mut *probe)
    .await
    .unwrap();
    probe.rollback().await.unwrap();
    hold.rollback().await.unwrap();
    let written = write.await.unwrap().expect("the write is made");
    (free.into_iter().map(UserId).collect(), written)
}

/// A status change (written with those queued beside it, `store::pg_steps`).
#[tokio::test]
async fn a_change_locks_the_users_it_notifies_in_id_order() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let (db, _, staff) = fixture().await;
    let users = users(&db).await;
    let db = Arc::new(db);
    let write = {
        let db = db.clone();
        let noted: Vec<UserId> = users.iter().rev().copied().collect();
        async move { prepare_noting(&db, OrderId(1), &noted, staff).await }
    };
    let (free, written) = free_while_held(&db, &users, write).await;
    assert_eq!(
        free,
        users[1..],
        "rows the waiting change had locked already"
    );
    assert!(written.is_some());
}

/// A checkout (written with those queued beside it, `store::pg_checkouts`)
/// noting every one of them.
#[tokio::test]
async fn a_checkout_locks_the_users_it_notifies_in_id_order() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let (db, customer, _) = fixture().await;
    let users = users(&db).await;
    let restaurant: i64 = sqlx::query_scalar("SELECT MIN(id) FROM restaurants")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let restaurant = RestaurantId(restaurant);
    let item = store::restaurants::insert_menu_item(&db, restaurant, "soup", "", 100, 0)
        .await
        .unwrap();
    let db = Arc::new(db);
    let write = {
        let db = db.clone();
        let noted: Vec<UserId> = users.iter().rev().copied().collect();
        async move {
            let items = (item, item, 1);
            checkout(&db, customer, restaurant, items, None, &noted)
                .await
                .1
        }
    };
    let (free, written) = free_while_held(&db, &users, write).await;
    assert_eq!(
        free,
        users[1..],
        "rows the waiting checkout had locked already"
    );
    assert!(written.is_some());
}
