//! Dispatch and the location pipeline: offers, first accept wins, the
//! throttle, who hears a driver's position.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    drain, emit_ack, next_event, online_driver, spawn_app, spawn_app_on, Backend, TestApp,
    NEAR_TASCA,
};

async fn confirmed_order(app: &TestApp, customer: &TestApp, staff: &TestApp) -> i64 {
    let id = customer.place_order().await["id"].as_i64().unwrap();
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 200);
    let _ = app;
    id
}

async fn two_drivers_race_for_each_offer(backend: Backend, rounds: usize) {
    let app = spawn_app_on(backend).await;
    let d1 = online_driver(&app, "driver@mealstream.test", NEAR_TASCA).await;
    let d2 = online_driver(&app, "driver2@mealstream.test", (38.7130, -9.1390)).await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    for round in 0..rounds {
        // Keep both positions fresh (a second report within 1 s is refused; fine).
        for (d, at) in [(&d1, NEAR_TASCA), (&d2, (38.7130, -9.1390))] {
            let _ = d
                .post_json(
                    "/api/driver/location",
                    &json!({ "lat": at.0 + round as f64 * 1e-4, "lng": at.1 }),
                )
                .await;
        }
        let id = confirmed_order(&app, &customer, &staff).await;
        let url = |d: &TestApp| d.url(&format!("/api/orders/{id}/accept"));
        let (a, b) = tokio::join!(
            d1.client.post(url(&d1)).send(),
            d2.client.post(url(&d2)).send()
        );
        let codes = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
        let mut sorted = codes;
        sorted.sort();
        assert_eq!(
            sorted,
            [200, 409],
            "round {round}: exactly one driver wins, got {codes:?}"
        );
        let order: Value = staff
            .get(&format!("/api/orders/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            order["driver"]["id"].as_i64().is_some(),
            "round {round}: the order has its driver"
        );
        assert_eq!(
            staff.set_status(id, "cancelled").await.status(),
            200,
            "frees the driver for the next round"
        );
    }
}

#[tokio::test]
async fn first_accept_wins_in_100_rounds_on_sqlite() {
    two_drivers_race_for_each_offer(Backend::Sqlite, 100).await;
}

#[tokio::test]
async fn first_accept_wins_in_100_rounds_on_postgres() {
    if !crate::helpers::configured(&[crate::helpers::Backend::Postgres]) {
        return;
    }
    two_drivers_race_for_each_offer(Backend::Postgres, 100).await;
}

#[tokio::test]
async fn a_confirmed_order_is_offered_live_and_the_loser_sees_it_withdrawn() {
    let app = spawn_app().await;
    let (d1, _s1, mut e1, _) = app.connect_as("driver@mealstream.test").await;
    let (d2, _s2, mut e2, _) = app.connect_as("driver2@mealstream.test").await;
    for (d, at) in [(&d1, NEAR_TASCA), (&d2, (38.7200, -9.1500))] {
        d.post_json("/api/driver/availability", &json!({ "online": true }))
            .await;
        d.post_json("/api/driver/location", &json!({ "lat": at.0, "lng": at.1 }))
            .await;
    }
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let id = confirmed_order(&app, &customer, &staff).await;

    let offer = next_event(&mut e1, "delivery:offer")
        .await
        .expect("an offer");
    assert_eq!(offer["orderId"], id);
    assert_eq!(offer["restaurantName"], "Tasca do Rossio");
    assert!(offer["pickupDistanceM"].as_i64().unwrap() < 200);
    assert!(offer["expiresAt"].as_str().is_some());
    next_event(&mut e2, "delivery:offer")
        .await
        .expect("the second driver is asked too");
    let listed: Vec<Value> = d2.get("/api/driver/offers").await.json().await.unwrap();
    assert_eq!(listed[0]["orderId"], id);

    assert_eq!(
        d1.post_json(&format!("/api/orders/{id}/accept"), &json!({}))
            .await
            .status(),
        200
    );
    let withdrawn = next_event(&mut e2, "delivery:offer_withdrawn")
        .await
        .expect("withdrawn");
    assert_eq!(
        (withdrawn["orderId"].as_i64(), withdrawn["reason"].as_str()),
        (Some(id), Some("taken"))
    );
    let res = d2
        .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
        .await;
    assert_eq!(res.status(), 409);
    // The winner's second tab (or a retry) accepting again gets the
    // delivery it holds, not "another driver took this delivery".
    let again = d1
        .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
        .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["id"].as_i64(), again["driver"]["name"].as_str()),
        (Some(id), Some("Diogo Driver"))
    );
    let assigned = next_event(&mut e1, "delivery:assigned")
        .await
        .expect("assigned");
    assert_eq!(assigned["driver"]["name"], "Diogo Driver");

    // A driver holds one delivery at a time.
    let second = confirmed_order(&app, &customer, &staff).await;
    let res = d1
        .post_json(&format!("/api/orders/{second}/accept"), &json!({}))
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn the_driver_delivers_and_the_customer_follows_the_position() {
    let app = spawn_app().await;
    let driver = online_driver(&app, "driver@mealstream.test", NEAR_TASCA).await;
    let (driver_socket, mut driver_events) = driver.socket(driver.cookie_header().as_deref()).await;
    next_event(&mut driver_events, "hello").await.unwrap();
    let (customer, customer_socket, mut customer_events, _) =
        app.connect_as("customer@mealstream.test").await;
    let (_other, other_socket, mut other_events, _) =
        app.connect_as("customer2@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let id = confirmed_order(&app, &customer, &staff).await;
    assert_eq!(
        driver
            .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
            .await
            .status(),
        200
    );
    let ack = emit_ack(&customer_socket, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["ok"], true);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let ack = emit_ack(
        &driver_socket,
        "driver:location",
        json!({ "lat": 38.7110, "lng": -9.1370, "speed": 6.0 }),
    )
    .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let update = next_event(&mut customer_events, "delivery:location_update")
        .await
        .expect("a position");
    assert_eq!(update["orderId"], id);
    assert_eq!(update["lat"], 38.7110);
    assert!(update["etaSeconds"].as_i64().unwrap() > 0);
    assert!(update.get("eventId").is_none(), "positions are not logged");

    // Someone else's customer cannot watch it and hears nothing.
    let ack = emit_ack(&other_socket, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["ok"], false);
    assert!(drain(&mut other_events, Duration::from_millis(300))
        .await
        .iter()
        .all(|(e, _)| e != "delivery:location_update"));

    // A late watcher gets the last position in the ack.
    let (_admin, admin_socket, _ae, _) = app.connect_as("admin@mealstream.test").await;
    let ack = emit_ack(&admin_socket, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["lastLocation"]["lat"], 38.7110, "{ack}");

    for status in ["preparing", "ready"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }
    assert_eq!(
        driver.set_status(id, "out_for_delivery").await.status(),
        200
    );
    assert_eq!(driver.set_status(id, "delivered").await.status(), 200);
    let order: Value = customer
        .get(&format!("/api/orders/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["status"], "delivered");
    assert_eq!(order["driver"]["name"], "Diogo Driver");
}

#[tokio::test]
async fn location_floods_are_rate_limited_per_driver() {
    let app = spawn_app().await;
    let (_d1, s1, _e1, _) = app.connect_as("driver@mealstream.test").await;
    let (_d2, s2, _e2, _) = app.connect_as("driver2@mealstream.test").await;
    let mut accepted = 0;
    let mut limited = 0;
    for i in 0..100 {
        let ack = emit_ack(
            &s1,
            "driver:location",
            json!({ "lat": 38.71 + i as f64 * 1e-3, "lng": -9.14 }),
        )
        .await;
        match ack["ok"].as_bool() {
            Some(true) => accepted += 1,
            _ => {
                assert_eq!(ack["error"]["code"], "rate_limited", "{ack}");
                limited += 1;
            }
        }
    }
    assert!(
        (1..=3).contains(&accepted),
        "about one per second: {accepted}"
    );
    assert_eq!(accepted + limited, 100);
    let ack = emit_ack(
        &s2,
        "driver:location",
        json!({ "lat": 38.71, "lng": -9.14 }),
    )
    .await;
    assert_eq!(ack["ok"], true, "another driver is unaffected");
}

#[tokio::test]
async fn bad_locations_and_non_drivers_are_refused() {
    let app = spawn_app().await;
    let (driver, socket, _e, _) = app.connect_as("driver@mealstream.test").await;
    for bad in [
        json!({ "lat": 91, "lng": 0 }),
        json!({ "lat": 0, "lng": -181 }),
        json!({ "lat": "x", "lng": 0 }),
        json!({ "lng": 0 }),
        json!({ "lat": 0, "lng": 0, "speed": -1 }),
    ] {
        let ack = emit_ack(&socket, "driver:location", bad.clone()).await;
        assert_eq!(ack["ok"], false, "{bad}");
        assert_eq!(ack["error"]["code"], "invalid", "{bad} -> {ack}");
        let res = driver.post_json("/api/driver/location", &bad).await;
        assert_eq!(res.status(), 422, "{bad}");
    }
    let (customer, customer_socket, _ce, _) = app.connect_as("customer@mealstream.test").await;
    let ack = emit_ack(
        &customer_socket,
        "driver:location",
        json!({ "lat": 38.7, "lng": -9.1 }),
    )
    .await;
    assert_eq!(ack["error"]["code"], "forbidden");
    assert_eq!(
        customer
            .post_json("/api/driver/location", &json!({ "lat": 38.7, "lng": -9.1 }))
            .await
            .status(),
        403
    );
    assert_eq!(
        customer
            .post_json("/api/driver/availability", &json!({ "online": true }))
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn accepting_without_a_live_offer_is_409() {
    let app = spawn_app().await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    // No driver online: the confirmed order has no offers.
    let id = confirmed_order(&app, &customer, &staff).await;
    let driver = app.other_client();
    driver.login_demo("driver@mealstream.test").await;
    let res = driver
        .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
        .await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["message"], "this offer has expired");
}

#[tokio::test]
async fn with_redis_positions_live_in_redis_with_a_time_to_live() {
    use fred::prelude::{ClientLike, Config, KeysInterface, Pool};
    if !crate::helpers::configured(&[crate::helpers::Backend::RedisSessions]) {
        return;
    }
    let app = spawn_app_on(Backend::RedisSessions).await;
    let driver = online_driver(&app, "driver@mealstream.test", NEAR_TASCA).await;
    let me: Value = driver.get("/api/me").await.json().await.unwrap();
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let redis = Pool::new(Config::from_url(&url).unwrap(), None, None, None, 1).unwrap();
    redis.init().await.unwrap();
    let key = format!("{}:driver:{}", app.redis_prefix, me["id"]);
    let stored: Option<String> = redis.get(&key).await.unwrap();
    let stored: Value = serde_json::from_str(&stored.expect("the position is in Redis")).unwrap();
    assert_eq!(stored["lat"], NEAR_TASCA.0);
    let ttl: i64 = redis.ttl(&key).await.unwrap();
    assert!((1..=30).contains(&ttl), "expires: {ttl}");
    // Dispatch reads it from there: the confirmed order is offered.
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let id = confirmed_order(&app, &customer, &staff).await;
    let offers: Vec<Value> = driver.get("/api/driver/offers").await.json().await.unwrap();
    assert_eq!(offers[0]["orderId"], id);
    // Going offline removes it.
    driver
        .post_json("/api/driver/availability", &json!({ "online": false }))
        .await;
    let gone: Option<String> = redis.get(&key).await.unwrap();
    assert!(gone.is_none());
}
