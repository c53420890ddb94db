//! Orders live: checkout, the lifecycle over REST, events on real sockets,
//! watching, and bad input. Races and replay: `orders_races`.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    available, drain, emit_ack, next_event, order_body, spawn_app, spawn_app_on, tasca, Backend,
    TestApp,
};

#[tokio::test]
async fn checkout_reaches_the_restaurant_socket_as_order_created() {
    let app = spawn_app().await;
    let (_staff, _s, mut staff_events, _) = app.connect_as("restaurant@mealstream.test").await;
    let (_other_staff, _s2, mut other_events, _) =
        app.connect_as("restaurant2@mealstream.test").await;
    app.login_demo("customer@mealstream.test").await;
    let order = app.place_order().await;
    assert_eq!(order["status"], "placed");
    assert_eq!(
        order["totalCents"],
        order["subtotalCents"].as_i64().unwrap() + order["deliveryFeeCents"].as_i64().unwrap()
    );

    let created = next_event(&mut staff_events, "order:created")
        .await
        .expect("order:created");
    assert_eq!(created["orderId"], order["id"]);
    assert!(created["eventId"].as_i64().unwrap() > 0);
    assert!(created["at"].as_str().unwrap().ends_with('Z'));
    let leaked = drain(&mut other_events, Duration::from_millis(300)).await;
    assert!(
        leaked.is_empty(),
        "another restaurant's staff saw {leaked:?}"
    );
}

#[tokio::test]
async fn confirm_reaches_the_customer_socket_with_an_event_id() {
    let app = spawn_app().await;
    let (customer, _s, mut events, _) = app.connect_as("customer@mealstream.test").await;
    let order = customer.place_order().await;
    next_event(&mut events, "order:created")
        .await
        .expect("own order:created");
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let res = staff
        .set_status(order["id"].as_i64().unwrap(), "confirmed")
        .await;
    assert_eq!(res.status(), 200);

    let changed = next_event(&mut events, "order:status_changed")
        .await
        .expect("status change");
    assert_eq!(changed["orderId"], order["id"]);
    assert_eq!(
        (changed["from"].as_str(), changed["to"].as_str()),
        (Some("placed"), Some("confirmed"))
    );
    assert_eq!(changed["restaurantName"], "Tasca do Rossio");
    assert!(changed["eventId"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn another_customer_gets_nothing_and_cannot_watch() {
    let app = spawn_app().await;
    let (_c1, _s1, _e1, _) = app.connect_as("customer@mealstream.test").await;
    let (_c2, socket2, mut events2, _) = app.connect_as("customer2@mealstream.test").await;
    app.login_demo("customer@mealstream.test").await;
    let order = app.place_order().await;
    let id = order["id"].as_i64().unwrap();

    let ack = emit_ack(&socket2, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["ok"], false);
    assert_eq!(ack["error"]["code"], "not_found");

    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 200);
    let leaked = drain(&mut events2, Duration::from_millis(400)).await;
    assert!(leaked.is_empty(), "customer2 saw {leaked:?}");
    // Nor over REST.
    assert_eq!(_c2.get(&format!("/api/orders/{id}")).await.status(), 404);
}

#[tokio::test]
async fn watch_acks_with_the_order_for_a_participant() {
    let app = spawn_app().await;
    let (customer, socket, _events, _) = app.connect_as("customer@mealstream.test").await;
    let order = customer.place_order().await;
    let ack = emit_ack(&socket, "order:watch", json!({ "orderId": order["id"] })).await;
    assert_eq!(ack["ok"], true, "{ack}");
    assert_eq!(ack["order"]["id"], order["id"]);
    assert_eq!(ack["order"]["history"][0]["status"], "placed");
    let (_admin, admin_socket, _ae, _) = app.connect_as("admin@mealstream.test").await;
    let ack = emit_ack(
        &admin_socket,
        "order:watch",
        json!({ "orderId": order["id"] }),
    )
    .await;
    assert_eq!(ack["ok"], true, "admins may open any order");
}

#[tokio::test]
async fn watch_with_bad_order_ids_is_an_error_ack() {
    let app = spawn_app().await;
    let (_c, socket, mut events, _) = app.connect_as("customer@mealstream.test").await;
    for bad in [
        json!({ "orderId": "1" }),
        json!({ "orderId": -3 }),
        json!("1"),
        json!({}),
        json!({ "orderId": 999999 }),
    ] {
        let ack = emit_ack(&socket, "order:watch", bad.clone()).await;
        assert_eq!(ack["ok"], false, "{bad} -> {ack}");
        assert!(ack["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    // An oversized payload is refused and the socket stays usable.
    let ack = emit_ack(
        &socket,
        "order:watch",
        json!({ "orderId": 1, "padding": "x".repeat(40 * 1024) }),
    )
    .await;
    assert_eq!(ack["error"]["code"], "too_large", "{ack}");
    let ack = emit_ack(&socket, "order:watch", json!({ "orderId": 999999 })).await;
    assert_eq!(ack["ok"], false);
    assert!(drain(&mut events, Duration::from_millis(200))
        .await
        .iter()
        .all(|(e, _)| e != "close"));
}

#[tokio::test]
async fn a_retried_idempotency_key_returns_the_same_order() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_on(backend).await;
        let staff = app.other_client();
        staff.login_demo("restaurant@mealstream.test").await;
        app.login_demo("customer@mealstream.test").await;
        let body = order_body(&app, 2).await;
        let send = || {
            app.client
                .post(app.url("/api/orders"))
                .header("Idempotency-Key", "checkout-42")
                .json(&body)
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), 201, "{backend:?}");
        let first: Value = first.json().await.unwrap();
        let notes = unread(&staff).await;
        let second: Value = send().await.unwrap().json().await.unwrap();
        assert_eq!(first["id"], second["id"], "{backend:?}");
        assert_eq!(first["items"], second["items"], "{backend:?}");
        let mine: Vec<Value> = app.get("/api/orders").await.json().await.unwrap();
        assert_eq!(mine.len(), 1, "{backend:?}");
        // The retry wrote nothing: no second note for the kitchen.
        assert_eq!(unread(&staff).await, notes, "{backend:?}");
        let events: Vec<Value> = staff
            .get("/api/events?since=0&limit=1000")
            .await
            .json()
            .await
            .unwrap();
        let created = events
            .iter()
            .filter(|e| e["type"] == "order:created" && e["orderId"] == first["id"])
            .count();
        assert_eq!(created, 1, "{backend:?}: {events:?}");
    }
}

/// The unread count of `client`'s notifications.
async fn unread(client: &TestApp) -> i64 {
    let list: Value = client.get("/api/notifications").await.json().await.unwrap();
    list["unread"].as_i64().expect("unread count")
}

#[tokio::test]
async fn the_lifecycle_refuses_illegal_and_foreign_steps() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let id = app.place_order().await["id"].as_i64().unwrap();

    let res = app.set_status(id, "confirmed").await;
    assert_eq!(res.status(), 403, "a customer cannot confirm");
    let other_staff = app.other_client();
    other_staff.login_demo("restaurant2@mealstream.test").await;
    assert_eq!(
        other_staff.set_status(id, "confirmed").await.status(),
        404,
        "another restaurant"
    );

    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let res = staff.set_status(id, "ready").await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "order is placed, so it cannot become ready for pickup"
    );
    let res = staff.set_status(id, "shipped").await;
    assert_eq!(res.status(), 422);
    let res = staff
        .post_json(
            &format!("/api/orders/{id}/status"),
            &json!({ "status": "rejected" }),
        )
        .await;
    assert_eq!(res.status(), 422, "a rejection needs a reason");
    assert_eq!(
        app.set_status(id, "cancelled").await.status(),
        200,
        "the customer cancels before confirmation"
    );
    let res = app.set_status(id, "cancelled").await;
    assert_eq!(res.status(), 409, "a second tap on cancel");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["message"], "order is already cancelled");
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 409);
}

#[tokio::test]
async fn bad_checkouts_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let good = order_body(&app, 1).await;
    let other_restaurant: Value = {
        let list: Vec<Value> = app.get("/api/restaurants").await.json().await.unwrap();
        let sakura = list.iter().find(|r| r["name"] == "Sakura Bairro").unwrap();
        app.get(&format!("/api/restaurants/{}", sakura["id"]))
            .await
            .json()
            .await
            .unwrap()
    };
    let with = |path: &[&str], value: Value| {
        let mut body = good.clone();
        let mut target = &mut body;
        for key in &path[..path.len() - 1] {
            target = match key.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*key],
            };
        }
        target[path[path.len() - 1]] = value;
        body
    };
    let cases = [
        (with(&["restaurantId"], json!(999999)), 422, "restaurantId"),
        (
            with(&["items", "0", "menuItemId"], json!(999999)),
            422,
            "items[0].menuItemId",
        ),
        (
            with(
                &["items", "0", "menuItemId"],
                other_restaurant["menu"][0]["id"].clone(),
            ),
            422,
            "items[0].menuItemId",
        ),
        (
            with(&["items", "0", "quantity"], json!(0)),
            422,
            "items[0].quantity",
        ),
        (
            with(&["items", "0", "quantity"], json!(51)),
            422,
            "items[0].quantity",
        ),
        (with(&["dropoff", "lat"], json!(91)), 422, "dropoff.lat"),
        (with(&["dropoff", "lng"], json!("x")), 422, "dropoff.lng"),
        (with(&["items"], json!([])), 422, "items"),
        // A pin in Porto: out of a Lisbon kitchen's reach.
        (
            with(
                &["dropoff"],
                json!({ "address": "Rua de Santa Catarina 1, Porto", "lat": 41.149, "lng": -8.606 }),
            ),
            422,
            "dropoff",
        ),
    ];
    for (body, status, field) in cases {
        let res = app.post_json("/api/orders", &body).await;
        assert_eq!(res.status().as_u16(), status, "{body}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["error"]["field"], field, "{body}");
    }
    assert!(
        app.get("/api/orders")
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .is_empty(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_closed_restaurant_takes_no_orders() {
    let app = spawn_app().await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let restaurant = tasca(&app).await;
    let res = staff
        .client
        .patch(staff.url(&format!("/api/restaurants/{}", restaurant["id"])))
        .json(&json!({ "open": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.login_demo("customer@mealstream.test").await;
    let res = app
        .post_json("/api/orders", &order_body(&app, 1).await)
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn staff_edit_their_menu_and_only_theirs() {
    let app = spawn_app().await;
    let restaurant = tasca(&app).await;
    let item = restaurant["menu"][0]["id"].as_i64().unwrap();
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let res = staff
        .client
        .patch(staff.url(&format!("/api/menu-items/{item}")))
        .json(&json!({ "priceCents": 1999, "available": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(
        (edited["priceCents"].as_i64(), edited["available"].as_bool()),
        (Some(1999), Some(false))
    );
    let other = app.other_client();
    other.login_demo("restaurant2@mealstream.test").await;
    let res = other
        .client
        .patch(other.url(&format!("/api/menu-items/{item}")))
        .json(&json!({ "priceCents": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = staff
        .client
        .patch(staff.url(&format!("/api/menu-items/{item}")))
        .json(&json!({ "priceCents": -5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}
