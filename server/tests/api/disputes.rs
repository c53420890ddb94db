//! Disputes: opened by the customer on a delivered order, queued live for
//! admins, resolved with a refund or a rejection; and every refusal.

use serde_json::{json, Value};

use crate::helpers::{
    confirmed_order, customer_and_staff, next_event, online_driver, spawn_app, TestApp, NEAR_TASCA,
};

/// An order taken all the way to `delivered`; returns (customer, staff, driver, order id).
async fn delivered_order(app: &TestApp) -> (TestApp, TestApp, TestApp, i64) {
    let driver = online_driver(app, "driver@mealstream.test", NEAR_TASCA).await;
    let (customer, staff) = customer_and_staff(app).await;
    let id = confirmed_order(&customer, &staff).await;
    assert_eq!(
        driver
            .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
            .await
            .status(),
        200
    );
    for (who, status) in [
        (&staff, "preparing"),
        (&staff, "ready"),
        (&driver, "out_for_delivery"),
        (&driver, "delivered"),
    ] {
        assert_eq!(who.set_status(id, status).await.status(), 200, "{status}");
    }
    (customer, staff, driver, id)
}

#[tokio::test]
async fn a_customer_disputes_a_delivered_order_and_an_admin_refunds_part_of_it() {
    let app = spawn_app().await;
    let (admin, _admin_socket, mut admin_events, admin_me) =
        app.connect_as("admin@mealstream.test").await;
    let (customer, _staff, _driver, id) = delivered_order(&app).await;
    let (_cs, mut customer_events) = customer.socket(customer.cookie_header().as_deref()).await;
    next_event(&mut customer_events, "hello")
        .await
        .expect("hello");

    let res = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "missing_item", "details": "No dessert" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let dispute: Value = res.json().await.unwrap();
    assert_eq!(
        (dispute["status"].as_str(), dispute["reason"].as_str()),
        (Some("open"), Some("missing_item"))
    );
    let opened = next_event(&mut admin_events, "dispute:opened")
        .await
        .expect("the admin queue hears of it live");
    assert_eq!(opened["orderId"], id);

    // One open dispute per order.
    let again = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "late" }),
        )
        .await;
    assert_eq!(again.status(), 409);

    let queue: Vec<Value> = admin.get("/api/disputes").await.json().await.unwrap();
    assert_eq!(queue[0]["id"], dispute["id"]);
    let total = dispute["orderTotalCents"].as_i64().unwrap();
    let resolve = format!("/api/disputes/{}/resolve", dispute["id"]);

    // A refund above the total, a missing amount or note, a non-admin: refused.
    let over = admin
        .post_json(
            &resolve,
            &json!({ "resolution": "partial_refund", "refundCents": total + 1, "note": "sorry" }),
        )
        .await;
    assert_eq!(over.status(), 422);
    assert_eq!(
        over.json::<Value>().await.unwrap()["error"]["field"],
        "refundCents"
    );
    let no_amount = admin
        .post_json(
            &resolve,
            &json!({ "resolution": "partial_refund", "note": "sorry" }),
        )
        .await;
    assert_eq!(no_amount.status(), 422);
    let no_note = admin
        .post_json(&resolve, &json!({ "resolution": "rejected", "note": " " }))
        .await;
    assert_eq!(no_note.status(), 422);
    let by_customer = customer
        .post_json(
            &resolve,
            &json!({ "resolution": "full_refund", "note": "please" }),
        )
        .await;
    assert_eq!(by_customer.status(), 403);

    let res = admin.post_json(&resolve, &json!({ "resolution": "partial_refund", "refundCents": 350, "note": "Dessert refunded" })).await;
    assert_eq!(res.status(), 200);
    let resolved: Value = res.json().await.unwrap();
    assert_eq!(
        (
            resolved["status"].as_str(),
            resolved["refundCents"].as_i64()
        ),
        (Some("resolved"), Some(350))
    );
    assert_eq!(
        resolved["resolvedBy"]["id"], admin_me["id"],
        "who resolved it is kept"
    );
    assert!(resolved["resolvedAt"].is_string() && resolved["createdAt"].is_string());
    let told = next_event(&mut customer_events, "dispute:resolved")
        .await
        .expect("the customer is told live");
    assert_eq!(told["resolution"], "partial_refund");
    let note = next_event(&mut customer_events, "notification:new")
        .await
        .expect("and notified");
    assert!(note["notification"]["body"]
        .as_str()
        .unwrap()
        .contains("€3.50"));
    // Every list of orders says what was refunded: the customer's own and
    // the admins'.
    let refunded = |list: Vec<Value>| {
        list.iter()
            .find(|o| o["id"] == id)
            .map(|o| (o["totalCents"].as_i64(), o["refundedCents"].as_i64()))
    };
    assert_eq!(
        refunded(customer.get_list("/api/orders").await),
        Some((Some(total), Some(350)))
    );
    assert_eq!(
        refunded(admin.get_list(&format!("/api/orders?q={id}")).await),
        Some((Some(total), Some(350)))
    );

    let twice = admin
        .post_json(
            &resolve,
            &json!({ "resolution": "full_refund", "note": "again" }),
        )
        .await;
    assert_eq!(twice.status(), 409);
    // Resolved: a new dispute on the same order may be opened, but all its
    // refunds together never exceed the order's total.
    let next = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "other", "details": "" }),
        )
        .await;
    assert_eq!(next.status(), 201);
    let next: Value = next.json().await.unwrap();
    let resolve = format!("/api/disputes/{}/resolve", next["id"]);
    let over = admin
        .post_json(
            &resolve,
            &json!({ "resolution": "partial_refund", "refundCents": total - 349, "note": "x" }),
        )
        .await;
    assert_eq!(over.status(), 422, "only total - 350 is left");
    let rest: Value = admin
        .post_json(
            &resolve,
            &json!({ "resolution": "full_refund", "note": "The rest" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["refundCents"], total - 350);
    assert_eq!(
        refunded(customer.get_list("/api/orders?status=delivered").await),
        Some((Some(total), Some(total))),
        "two refunds add up"
    );
    let third: Value = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "late", "details": "" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let none_left = admin
        .post_json(
            &format!("/api/disputes/{}/resolve", third["id"]),
            &json!({ "resolution": "full_refund", "note": "x" }),
        )
        .await;
    assert_eq!(none_left.status(), 409, "refunded in full already");
}

#[tokio::test]
async fn only_the_customer_disputes_and_only_a_delivered_order() {
    let app = spawn_app().await;
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let id = customer.place_order().await["id"].as_i64().unwrap();
    let res = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "late" }),
        )
        .await;
    assert_eq!(res.status(), 409, "not delivered yet");
    let res = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "bored" }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = customer
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "other", "details": "x".repeat(2001) }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let other = app.other_client();
    other.login_demo("customer2@mealstream.test").await;
    let res = other
        .post_json(
            &format!("/api/orders/{id}/dispute"),
            &json!({ "reason": "late" }),
        )
        .await;
    assert_eq!(res.status(), 404, "not theirs to know about");
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    assert_eq!(staff.get("/api/disputes").await.status(), 403);
    assert_eq!(
        staff
            .post_json(
                "/api/disputes/1/resolve",
                &json!({ "resolution": "rejected", "note": "no" })
            )
            .await
            .status(),
        403
    );
    let mine: Vec<Value> = customer.get("/api/disputes").await.json().await.unwrap();
    assert!(mine.is_empty(), "nothing refused was stored");
}
