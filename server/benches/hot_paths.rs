//! The hot paths of the realtime layer, measured with criterion:
//! `cargo bench -p server --features app/ssr`.
//!
//! - event encoding: a logged lifecycle event to the JSON a socket receives;
//! - room resolution: the rooms a user's socket is in and an order's rooms;
//! - the location throttle: a position report, accepted or refused;
//! - the replay query: the 100 events after an id for a user's rooms, on
//!   SQLite with 20,000 logged events.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use mealstream_core::service::events::rooms_of;
use mealstream_core::service::fleet::Fleet;
use mealstream_core::store::{self, Db};
use model::events::{Logged, OrderStatusChanged};
use model::requests::LocationReport;
use model::rooms::Room;
use model::{EventId, OrderId, OrderStatus, RestaurantId, Role, User, UserId};

fn staff() -> User {
    User {
        id: UserId(42),
        email: "staff@mealstream.test".into(),
        name: "Rita".into(),
        role: Role::Restaurant,
        restaurant_id: Some(RestaurantId(7)),
        suspended: false,
    }
}

fn event_encoding(c: &mut Criterion) {
    let event = Logged {
        event_id: EventId(123_456),
        at: "2026-11-23T12:00:00.000Z".into(),
        data: OrderStatusChanged {
            order_id: OrderId(9876),
            restaurant_id: RestaurantId(7),
            restaurant_name: "Tasca do Rossio".into(),
            from: OrderStatus::Confirmed,
            to: OrderStatus::Preparing,
            reason: None,
            version: 3,
        },
    };
    c.bench_function("event_encoding/order_status_changed", |b| {
        b.iter(|| serde_json::to_string(black_box(&event)).unwrap())
    });
}

fn room_resolution(c: &mut Criterion) {
    let user = staff();
    c.bench_function("room_resolution/rooms_of_staff", |b| {
        b.iter(|| rooms_of(black_box(&user)))
    });
    c.bench_function("room_resolution/order_rooms", |b| {
        b.iter(|| {
            vec![
                Room::order(black_box(OrderId(9876))),
                Room::user(black_box(UserId(12))),
                Room::restaurant(black_box(RestaurantId(7))),
                Room::role(Role::Admin),
            ]
        })
    });
}

fn location_throttle(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fleet = Fleet::default();
    let report = LocationReport {
        lat: 38.7125,
        lng: -9.138,
        heading: Some(180.0),
        speed: Some(5.0),
    };
    // Accepted: a driver's first report (a new driver each time).
    let mut next_driver = 1_000_000_i64;
    c.bench_function("location_throttle/accepted", |b| {
        b.to_async(&rt).iter(|| {
            next_driver += 1;
            let (fleet, report) = (&fleet, &report);
            let id = UserId(next_driver);
            async move { fleet.report(id, "Diogo", report).await.unwrap() }
        })
    });
    // Refused: the same driver again within the second (once a second one
    // gets through, as on a real phone).
    rt.block_on(fleet.report(UserId(1), "Diogo", &report))
        .unwrap();
    c.bench_function("location_throttle/throttled", |b| {
        b.to_async(&rt)
            .iter(|| async { fleet.report(UserId(1), "Diogo", &report).await.is_err() })
    });
}

fn replay_query(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("mealstream-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = rt.block_on(async {
        let db = Db::connect(&format!("sqlite://{}/bench.db", dir.display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        // 20,000 events over 500 orders, each to an order, a customer and a restaurant.
        let events: Vec<store::events::NewEvent> = (0..20_000_i64)
            .map(|i| {
                let order = i % 500;
                store::events::NewEvent {
                    kind: "order:status_changed".into(),
                    payload: format!("{{\"orderId\":{order},\"to\":\"preparing\"}}"),
                    at: i,
                    rooms: vec![
                        Room::order(OrderId(order)),
                        Room::user(UserId(10_000 + order % 50)),
                        Room::restaurant(RestaurantId(order % 6)),
                    ],
                }
            })
            .collect();
        let mut tx = db.begin().await.unwrap();
        store::events::append_all(&mut tx, db.backend, &events)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        db
    });
    let rooms = vec![Room::user(UserId(10_007)), Room::role(Role::Customer)];
    c.bench_function("replay_query/100_after_id_for_a_customer", |b| {
        b.to_async(&rt).iter_batched(
            || EventId(10_000),
            |after| {
                let (db, rooms) = (&db, &rooms);
                async move { store::events::since(db, after, rooms, 100).await.unwrap() }
            },
            BatchSize::SmallInput,
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = hot_paths;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = event_encoding, room_resolution, location_throttle, replay_query
}
criterion_main!(hot_paths);
