//! Checkouts written many to a statement on PostgreSQL
//! (`store::pg_checkouts`): each keeps its own outcome and its lines in
//! order, a double tap with one idempotency key places one order, and a
//! checkout that cannot be written takes no other with it. Order ids asked
//! for together come from one query.

use std::collections::BTreeMap;
use std::sync::Arc;

use mealstream_core::store::events::NewEvent;
use mealstream_core::store::orders::{NewLine, NewOrder};
use mealstream_core::store::pg_write::{self, Logged};
use mealstream_core::store::{self, Db};
use model::{EventId, MenuItemId, OrderId, Place, RestaurantId, Role, UserId};
use serde_json::Value;

use crate::helpers::{configured, fresh_postgres_database, Backend};
use crate::step_batches::{a_restaurant, notes_to};

const CUSTOMERS: usize = 30;

struct Shop {
    db: Arc<Db>,
    customers: Vec<UserId>,
    staff: UserId,
    restaurant: RestaurantId,
    soup: MenuItemId,
    bread: MenuItemId,
}

async fn shop() -> Shop {
    let db = Db::connect(&fresh_postgres_database().await)
        .await
        .expect("database");
    db.migrate().await.expect("migrations");
    let mut customers = Vec::new();
    for i in 0..CUSTOMERS {
        let email = format!("c{i}@x.test");
        let user = store::users::insert(&db, &email, &email, "h", Role::Customer)
            .await
            .unwrap()
            .unwrap();
        customers.push(user.id);
    }
    let staff = store::users::insert(&db, "s@x.test", "s", "h", Role::Restaurant)
        .await
        .unwrap()
        .unwrap()
        .id;
    let restaurant = a_restaurant(&db).await;
    let soup = store::restaurants::insert_menu_item(&db, restaurant, "soup", "", 100, 0)
        .await
        .unwrap();
    let bread = store::restaurants::insert_menu_item(&db, restaurant, "bread", "", 50, 1)
        .await
        .unwrap();
    Shop {
        db: Arc::new(db),
        customers,
        staff,
        restaurant,
        soup,
        bread,
    }
}

/// Places an order of one soup and `breads` bread for `customer` at
/// `restaurant`, noting each of `noted`: one `order:created` event, then
/// the notes.
pub(crate) async fn checkout(
    db: &Db,
    customer: UserId,
    restaurant: RestaurantId,
    (soup, bread, breads): (MenuItemId, MenuItemId, i64),
    key: Option<&str>,
    noted: &[UserId],
) -> (OrderId, Result<Option<EventId>, sqlx::Error>) {
    let id = pg_write::reserve_order_id(db).await.expect("an id");
    let lines = [
        NewLine {
            menu_item_id: soup,
            name: "soup".into(),
            unit_price_cents: 100,
            quantity: 1,
        },
        NewLine {
            menu_item_id: bread,
            name: "bread".into(),
            unit_price_cents: 50,
            quantity: breads,
        },
    ];
    let dropoff = Place {
        address: "1 \"Main\" St".into(),
        lat: 48.85,
        lng: 2.35,
    };
    let order = NewOrder {
        customer_id: customer,
        restaurant_id: restaurant,
        subtotal_cents: 100 + 50 * breads,
        delivery_fee_cents: 250,
        dropoff: &dropoff,
        note: Some("ring twice"),
        idempotency_key: key,
        lines: &lines,
    };
    let events = [NewEvent {
        kind: "order:created".into(),
        payload: format!(r#"{{"orderId":{}}}"#, id.0),
        at: 9,
        rooms: vec!["role:admin".into()],
    }];
    let notes = notes_to(noted, "order:created", id);
    let logged = Logged {
        at: 9,
        events: &events,
        notes: &notes,
    };
    (id, pg_write::place(db, id, &order, &logged).await)
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

#[tokio::test]
async fn checkouts_written_together_each_keep_their_own_outcome() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let shop = shop().await;
    let db = shop.db.clone();
    let before = db.checkout_batches();
    // Every customer checks out at once, customer 0 twice with one key
    // (a double tap) and customer 1 twice with two (two orders).
    let mut asks: Vec<(usize, String)> = (0..CUSTOMERS).map(|i| (i, format!("k{i}"))).collect();
    asks.push((0, "k0".into()));
    asks.push((1, "k1b".into()));
    let writers: Vec<_> = asks
        .into_iter()
        .map(|(i, key)| {
            let db = db.clone();
            let (customer, staff, restaurant) = (shop.customers[i], shop.staff, shop.restaurant);
            let items = (shop.soup, shop.bread, i as i64 + 1);
            tokio::spawn(async move {
                let (id, outcome) =
                    checkout(&db, customer, restaurant, items, Some(&key), &[staff]).await;
                (i, key, id, outcome.expect("the statement runs"))
            })
        })
        .collect();
    let mut placed = BTreeMap::new();
    let mut taps = Vec::new();
    for writer in writers {
        let (i, key, id, newest) = writer.await.unwrap();
        if key == "k0" {
            taps.push(newest.is_some());
        }
        if let Some(newest) = newest {
            placed.insert(id, (i, newest));
        }
    }
    taps.sort_unstable();
    assert_eq!(taps, [false, true], "a double tap places one order");
    assert_eq!(placed.len(), CUSTOMERS + 1);
    let statements = db.checkout_batches() - before;
    assert!(
        statements < (CUSTOMERS + 2) as u64,
        "{} checkouts took {statements} statements: none were written together",
        CUSTOMERS + 2
    );

    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM orders").await,
        placed.len() as i64
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM order_history WHERE status = 'placed'"
        )
        .await,
        placed.len() as i64
    );
    for (id, (i, _)) in &placed {
        let lines: Vec<(String, i64)> = sqlx::query_as(
            "SELECT name, quantity FROM order_lines WHERE order_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            lines,
            [("soup".to_owned(), 1), ("bread".to_owned(), *i as i64 + 1)],
            "order {id:?}'s lines, in order"
        );
        let (address, total, key): (String, i64, Option<String>) = sqlx::query_as(
            "SELECT dropoff_address, total_cents, idempotency_key FROM orders WHERE id = $1",
        )
        .bind(id.0)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(address, "1 \"Main\" St");
        assert_eq!(total, 100 + 50 * (*i as i64 + 1) + 250);
        assert!(key.is_some_and(|k| k.starts_with(&format!("k{i}"))));
    }

    // Each checkout's events: its own, then its note, the note being the
    // newest id its checkout answered; the staff's unread counts grow one
    // by one with the notes' ids.
    let events = store::events::after(&db, EventId(0), 1_000).await.unwrap();
    assert_eq!(events.len(), 2 * placed.len());
    let mut unread = Vec::new();
    for pair in events.chunks(2) {
        let (own, note) = (&pair[0], &pair[1]);
        assert_eq!(own.kind, "order:created");
        assert_eq!(note.kind, "notification:new");
        let order: Value = serde_json::from_str(&own.payload).unwrap();
        let order = OrderId(order["orderId"].as_i64().unwrap());
        assert_eq!(placed[&order].1, note.id, "order {order:?}'s newest event");
        let payload: Value = serde_json::from_str(&note.payload).unwrap();
        unread.push((
            payload["notification"]["id"].as_i64().unwrap(),
            payload["unread"].as_i64().unwrap(),
        ));
    }
    unread.sort_unstable();
    let counts: Vec<i64> = unread.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, (1..=placed.len() as i64).collect::<Vec<_>>());
    assert_eq!(
        count(&db, "SELECT MAX(unread_notifications) FROM users").await,
        placed.len() as i64
    );
}

/// A checkout at a restaurant that does not exist (the foreign key
/// refuses it) fails alone: the checkouts that shared its statement are
/// written again without it.
#[tokio::test]
async fn a_checkout_that_fails_takes_no_other_with_it() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let shop = shop().await;
    let db = shop.db.clone();
    let writers: Vec<_> = (0..CUSTOMERS)
        .map(|i| {
            let db = db.clone();
            let restaurant = if i == CUSTOMERS / 2 {
                RestaurantId(999_999)
            } else {
                shop.restaurant
            };
            let (customer, staff) = (shop.customers[i], shop.staff);
            let items = (shop.soup, shop.bread, 1);
            tokio::spawn(async move {
                let (_, outcome) = checkout(&db, customer, restaurant, items, None, &[staff]).await;
                (i, outcome)
            })
        })
        .collect();
    for writer in writers {
        let (i, outcome) = writer.await.unwrap();
        if i == CUSTOMERS / 2 {
            assert!(outcome.is_err(), "checkout {i} names no restaurant");
        } else {
            assert!(matches!(outcome, Ok(Some(_))), "checkout {i}: {outcome:?}");
        }
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM orders").await,
        CUSTOMERS as i64 - 1
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM events").await,
        2 * (CUSTOMERS as i64 - 1),
        "nothing of the failed checkout is logged"
    );
}

/// Checkouts that ask for order ids at the same moment get them from one
/// query, each its own.
#[tokio::test]
async fn order_ids_asked_together_are_taken_together_and_never_twice() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let db = Db::connect(&fresh_postgres_database().await)
        .await
        .expect("database");
    db.migrate().await.expect("migrations");
    let db = Arc::new(db);
    let before = db.order_id_batches();
    let askers: Vec<_> = (0..100)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { pg_write::reserve_order_id(&db).await.expect("an id") })
        })
        .collect();
    let mut ids = Vec::new();
    for asker in askers {
        ids.push(asker.await.unwrap());
    }
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    assert_eq!(ids.len(), 100, "every checkout has an id of its own");
    let queries = db.order_id_batches() - before;
    assert!(queries < 100, "100 ids took {queries} queries");
}
