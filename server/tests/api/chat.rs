//! Chat inside an order: live on every device of every participant, with
//! history, typing, read marks, clientId dedup, and its refusals.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{drain, emit_ack, next_event, spawn_app, TestApp};

/// A placed order: its customer (one signed-in client) and a staff member of its restaurant.
async fn order_with_people(app: &TestApp) -> (TestApp, TestApp, i64) {
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    let id = customer.place_order().await["id"].as_i64().unwrap();
    (customer, staff, id)
}

#[tokio::test]
async fn a_message_reaches_every_device_of_every_participant_and_the_history() {
    let app = spawn_app().await;
    let (customer, staff, id) = order_with_people(&app).await;
    let cookie = customer.cookie_header();
    let (tab1, mut tab1_events) = customer.socket(cookie.as_deref()).await;
    let (_tab2, mut tab2_events) = customer.socket(cookie.as_deref()).await;
    let (staff_socket, mut staff_events) = staff.socket(staff.cookie_header().as_deref()).await;
    for events in [&mut tab1_events, &mut tab2_events, &mut staff_events] {
        next_event(events, "hello").await.expect("hello");
    }

    let ack = emit_ack(
        &tab1,
        "chat:send",
        json!({ "orderId": id, "body": "  Ring twice, please  ", "clientId": "c-1" }),
    )
    .await;
    assert_eq!(ack["ok"], true, "{ack}");
    assert_eq!(ack["message"]["body"], "Ring twice, please");
    for events in [&mut tab1_events, &mut tab2_events, &mut staff_events] {
        let got = next_event(events, "chat:message")
            .await
            .expect("live on every device");
        assert_eq!(
            (got["orderId"].as_i64(), got["body"].as_str()),
            (Some(id), Some("Ring twice, please"))
        );
        assert_eq!(got["sender"]["name"], "Carla Customer");
        assert!(
            got["eventId"].as_i64().is_some(),
            "logged, so replayed after a reconnect"
        );
    }

    // Typing is relayed, never stored.
    assert_eq!(
        emit_ack(
            &staff_socket,
            "chat:typing",
            json!({ "orderId": id, "typing": true })
        )
        .await["ok"],
        true
    );
    let typing = next_event(&mut tab2_events, "chat:typing")
        .await
        .expect("typing");
    assert_eq!(
        (typing["user"]["name"].as_str(), typing["typing"].as_bool()),
        (Some("Rita (Tasca do Rossio)"), Some(true))
    );
    assert!(typing.get("eventId").is_none());

    // The restaurant reads it: the customer sees "seen".
    let message_id = ack["message"]["id"].as_i64().unwrap();
    let read = emit_ack(
        &staff_socket,
        "chat:read",
        json!({ "orderId": id, "upToMessageId": message_id }),
    )
    .await;
    assert_eq!(read["ok"], true, "{read}");
    let seen = next_event(&mut tab1_events, "chat:read")
        .await
        .expect("read mark");
    assert_eq!(seen["upToMessageId"], message_id);
    assert_eq!(seen["name"], "Rita (Tasca do Rossio)", "who saw it");

    // A REST message, and the history as it opens.
    let res = staff
        .post_json(
            &format!("/api/orders/{id}/messages"),
            &json!({ "body": "Will do!" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    next_event(&mut tab2_events, "chat:message")
        .await
        .expect("the REST message is live too");
    let history: Value = customer
        .get(&format!("/api/orders/{id}/messages"))
        .await
        .json()
        .await
        .unwrap();
    let bodies: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Ring twice, please", "Will do!"]);
    assert_eq!(history["open"], true);
    assert_eq!(history["reads"][0]["upToMessageId"], message_id);
    assert_eq!(history["reads"][0]["name"], "Rita (Tasca do Rossio)");
}

#[tokio::test]
async fn a_resend_with_the_same_client_id_is_never_a_duplicate() {
    let app = spawn_app().await;
    let (customer, staff, id) = order_with_people(&app).await;
    let (socket, mut events) = customer.socket(customer.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    let (_s, mut staff_events) = staff.socket(staff.cookie_header().as_deref()).await;
    next_event(&mut staff_events, "hello").await.expect("hello");
    let send = json!({ "orderId": id, "body": "Extra napkins", "clientId": "retry-7" });
    let first = emit_ack(&socket, "chat:send", send.clone()).await;
    // The ack was "lost": the client sends again, after a reconnect even.
    let second = emit_ack(&socket, "chat:send", send).await;
    assert_eq!(second["ok"], true);
    assert_eq!(second["duplicate"], true);
    assert_eq!(second["message"]["id"], first["message"]["id"]);
    let rest = customer
        .post_json(
            &format!("/api/orders/{id}/messages"),
            &json!({ "body": "Extra napkins", "clientId": "retry-7" }),
        )
        .await;
    assert_eq!(
        rest.status(),
        200,
        "a REST resend answers the first message"
    );
    let got = drain(&mut staff_events, Duration::from_millis(500)).await;
    assert_eq!(
        got.iter().filter(|(n, _)| n == "chat:message").count(),
        1,
        "{got:?}"
    );
    let history: Value = staff
        .get(&format!("/api/orders/{id}/messages"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_messages_and_outsiders_are_refused() {
    let app = spawn_app().await;
    let (customer, _staff, id) = order_with_people(&app).await;
    let (socket, mut events) = customer.socket(customer.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    for (body, why) in [
        ("", "empty"),
        ("   ", "blank"),
        (&*"a".repeat(2001), "too long"),
    ] {
        let ack = emit_ack(
            &socket,
            "chat:send",
            json!({ "orderId": id, "body": body, "clientId": format!("bad-{}", body.len()) }),
        )
        .await;
        assert_eq!(
            (ack["ok"].as_bool(), ack["error"]["code"].as_str()),
            (Some(false), Some("invalid")),
            "{why}"
        );
    }
    let res = customer
        .post_json(
            &format!("/api/orders/{id}/messages"),
            &json!({ "body": "" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["field"], "body");
    let ack = emit_ack(
        &socket,
        "chat:send",
        json!({ "orderId": id, "body": "hi", "clientId": "has space" }),
    )
    .await;
    assert_eq!(ack["error"]["field"], "clientId");

    // Another customer can neither read nor write this chat, and cannot
    // tell it from a chat of an order that does not exist.
    let (outsider, outsider_socket, _e, _) = app.connect_as("customer2@mealstream.test").await;
    let unknown = outsider.get("/api/orders/999999/messages").await;
    assert_eq!(unknown.status(), 404);
    let unknown: Value = unknown.json().await.unwrap();
    let res = outsider.get(&format!("/api/orders/{id}/messages")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.json::<Value>().await.unwrap(), unknown);
    let res = outsider
        .post_json(
            &format!("/api/orders/{id}/messages"),
            &json!({ "body": "hello?" }),
        )
        .await;
    assert_eq!(res.status(), 404);
    let ack = emit_ack(
        &outsider_socket,
        "chat:send",
        json!({ "orderId": id, "body": "hello?", "clientId": "x1" }),
    )
    .await;
    assert_eq!(ack["error"]["code"], "not_found");
    let ack = emit_ack(&outsider_socket, "chat:typing", json!({ "orderId": id })).await;
    assert_eq!(ack["error"]["code"], "not_found");
    assert_eq!(
        customer.get("/api/orders/999999/messages").await.status(),
        404
    );
    let history: Value = customer
        .get(&format!("/api/orders/{id}/messages"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        history["messages"].as_array().unwrap().is_empty(),
        "nothing refused was stored"
    );
}

#[tokio::test]
async fn more_than_five_messages_a_second_are_rate_limited() {
    let app = spawn_app().await;
    let (customer, _staff, id) = order_with_people(&app).await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let res = customer
            .post_json(
                &format!("/api/orders/{id}/messages"),
                &json!({ "body": format!("msg {i}") }),
            )
            .await;
        statuses.push(res.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 201).count() >= 5,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_message_sent_while_a_participant_was_away_is_replayed() {
    let app = spawn_app().await;
    let (customer, staff, id) = order_with_people(&app).await;
    let last = customer.goes_away().await;
    staff
        .post_json(
            &format!("/api/orders/{id}/messages"),
            &json!({ "body": "Your order is almost ready" }),
        )
        .await;
    let (_again, mut replayed) = customer.comes_back(last).await;
    let got = next_event(&mut replayed, "chat:message")
        .await
        .expect("replayed");
    assert_eq!(got["body"], "Your order is almost ready");
}

/// An admin reads along: messages and read marks also go to admins, by
/// right, so a replay brings back what an admin's socket missed. Until
/// 12-05 they went to the order's room, which no replay reads, so an
/// admin who was away, or whose socket was catching up, lost them.
#[tokio::test]
async fn an_admin_reading_along_gets_what_was_said_while_away() {
    let app = spawn_app().await;
    let (customer, staff, id) = order_with_people(&app).await;
    let admin = app.other_client();
    admin.login_demo("admin@mealstream.test").await;
    let last = admin.goes_away().await;

    let sent = staff
        .post_json(
            &format!("/api/orders/{id}/messages"),
            &json!({ "body": "Out of lemons, lime instead?" }),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let message_id = sent.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (customer_socket, mut customer_events) =
        customer.socket(customer.cookie_header().as_deref()).await;
    next_event(&mut customer_events, "hello")
        .await
        .expect("hello");
    let read = emit_ack(
        &customer_socket,
        "chat:read",
        json!({ "orderId": id, "upToMessageId": message_id }),
    )
    .await;
    assert_eq!(read["ok"], true, "{read}");

    let (_again, mut replayed) = admin.comes_back(last).await;
    let got = next_event(&mut replayed, "chat:message")
        .await
        .expect("the message, replayed");
    assert_eq!(
        (got["orderId"].as_i64(), got["body"].as_str()),
        (Some(id), Some("Out of lemons, lime instead?"))
    );
    let seen = next_event(&mut replayed, "chat:read")
        .await
        .expect("the read mark, replayed");
    assert_eq!(seen["upToMessageId"], message_id);
}
