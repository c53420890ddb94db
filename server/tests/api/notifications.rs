//! Every user-facing lifecycle change leaves a notification, pushed live
//! with the unread count; the owner (and only the owner) marks them read.

use serde_json::{json, Value};

use crate::helpers::{next_event, spawn_app};

#[tokio::test]
async fn lifecycle_changes_notify_live_and_are_marked_read_one_or_all() {
    let app = spawn_app().await;
    let (customer, _cs, mut customer_events, _) = app.connect_as("customer@mealstream.test").await;
    let (staff, _ss, mut staff_events, _) = app.connect_as("restaurant@mealstream.test").await;

    let id = customer.place_order().await["id"].as_i64().unwrap();
    let new_order = next_event(&mut staff_events, "notification:new")
        .await
        .expect("staff hear of the order");
    assert_eq!(
        new_order["notification"]["title"],
        format!("New order #{id}")
    );
    assert!(
        new_order["eventId"].as_i64().is_some(),
        "logged, so replayed"
    );

    for status in ["confirmed", "preparing"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }
    let first = next_event(&mut customer_events, "notification:new")
        .await
        .expect("confirmed");
    assert_eq!(
        first["notification"]["body"],
        "The restaurant confirmed your order"
    );
    assert_eq!(first["notification"]["orderId"], id);
    assert_eq!(first["unread"], 1);
    let second = next_event(&mut customer_events, "notification:new")
        .await
        .expect("preparing");
    assert_eq!(second["unread"], 2);

    let list: Value = customer
        .get("/api/notifications")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["unread"], 2);
    let items = list["items"].as_array().unwrap();
    assert_eq!(
        items[0]["body"], "Your meal is being prepared",
        "newest first"
    );
    assert_eq!(items[0]["read"], false);

    // Someone else's ids change nothing.
    let theirs = staff
        .post_json(
            "/api/notifications/read",
            &json!({ "ids": [items[0]["id"]] }),
        )
        .await;
    assert_eq!(theirs.status(), 200);
    let mine: Value = customer
        .get("/api/notifications")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["unread"], 2);

    let res = customer
        .post_json(
            "/api/notifications/read",
            &json!({ "ids": [items[1]["id"]] }),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 1);
    let res = customer
        .post_json("/api/notifications/read", &json!({ "all": true }))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 0);

    for bad in [
        json!({}),
        json!({ "ids": [] }),
        json!({ "ids": [0] }),
        json!({ "ids": "x" }),
    ] {
        let res = customer.post_json("/api/notifications/read", &bad).await;
        assert_eq!(res.status(), 422, "{bad}");
    }
    assert_eq!(app.get("/api/notifications").await.status(), 401);
}
