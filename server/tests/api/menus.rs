//! Live menus: a price or availability change reaches the sockets that
//! have that menu open (`menu:watch`), and only them.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{drain, emit_ack, next_event, spawn_app, tasca, TestApp};

async fn patch_item(staff: &TestApp, item: i64, body: Value) {
    let res = staff
        .client
        .patch(staff.url(&format!("/api/menu-items/{item}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

fn changes(events: &[(String, Value)]) -> usize {
    events
        .iter()
        .filter(|(e, _)| e == "menu:item_changed")
        .count()
}

#[tokio::test]
async fn a_menu_change_reaches_the_sockets_watching_that_menu_only() {
    let app = spawn_app().await;
    let restaurant = tasca(&app).await;
    let (rid, item) = (
        restaurant["id"].as_i64().unwrap(),
        restaurant["menu"][0]["id"].as_i64().unwrap(),
    );
    let (_c, watcher, mut watched, _) = app.connect_as("customer@mealstream.test").await;
    let (_o, _other, mut elsewhere, _) = app.connect_as("customer2@mealstream.test").await;
    let ack = emit_ack(&watcher, "menu:watch", json!({ "restaurantId": rid })).await;
    assert_eq!(ack["ok"], true, "{ack}");
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;

    patch_item(
        &staff,
        item,
        json!({ "priceCents": 1750, "available": false }),
    )
    .await;
    let changed = next_event(&mut watched, "menu:item_changed")
        .await
        .expect("the open menu hears of it");
    let was = &restaurant["menu"][0];
    assert_eq!(
        changed,
        json!({ "restaurantId": rid, "itemId": item, "priceCents": 1750, "available": false,
                "name": was["name"], "description": was["description"] })
    );
    assert!(changed.get("eventId").is_none(), "ephemeral, never logged");
    assert_eq!(
        changes(&drain(&mut elsewhere, Duration::from_millis(300)).await),
        0
    );

    // Watching another menu leaves the first; unwatching leaves them all.
    let ack = emit_ack(&watcher, "menu:watch", json!({ "restaurantId": rid + 1 })).await;
    assert_eq!(ack["ok"], true, "{ack}");
    patch_item(&staff, item, json!({ "available": true })).await;
    assert_eq!(
        changes(&drain(&mut watched, Duration::from_millis(300)).await),
        0
    );
    let ack = emit_ack(&watcher, "menu:watch", json!({ "restaurantId": rid })).await;
    assert_eq!(ack["ok"], true);
    let ack = emit_ack(&watcher, "menu:unwatch", json!({})).await;
    assert_eq!(ack["ok"], true);
    patch_item(&staff, item, json!({ "priceCents": 1800 })).await;
    assert_eq!(
        changes(&drain(&mut watched, Duration::from_millis(300)).await),
        0
    );
}

#[tokio::test]
async fn an_added_item_and_a_renamed_one_reach_an_open_menu() {
    let app = spawn_app().await;
    let restaurant = tasca(&app).await;
    let rid = restaurant["id"].as_i64().unwrap();
    let (_c, watcher, mut watched, _) = app.connect_as("customer@mealstream.test").await;
    let ack = emit_ack(&watcher, "menu:watch", json!({ "restaurantId": rid })).await;
    assert_eq!(ack["ok"], true, "{ack}");
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;

    let res = staff
        .client
        .post(staff.url(&format!("/api/restaurants/{rid}/menu")))
        .json(&json!({ "name": "  Pastel de nata ", "description": "Warm", "priceCents": 150 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let added: Value = res.json().await.unwrap();
    let id = added["id"].as_i64().unwrap();
    let heard = next_event(&mut watched, "menu:item_changed")
        .await
        .expect("the open menu hears of the new item");
    assert_eq!(
        heard,
        json!({ "restaurantId": rid, "itemId": id, "priceCents": 150, "available": true,
                "name": "Pastel de nata", "description": "Warm" })
    );

    patch_item(
        &staff,
        id,
        json!({ "name": "Pastéis de nata (2)", "description": "", "priceCents": 280 }),
    )
    .await;
    let heard = next_event(&mut watched, "menu:item_changed").await.unwrap();
    assert_eq!(heard["name"], "Pastéis de nata (2)");
    assert_eq!(heard["description"], "");
    assert_eq!(heard["priceCents"], 280);
    // And a menu read afresh has it last, as edited.
    let menu = tasca(&app).await["menu"].as_array().unwrap().clone();
    assert_eq!(menu.last().unwrap()["name"], "Pastéis de nata (2)");
}

#[tokio::test]
async fn watching_a_menu_that_does_not_exist_or_a_malformed_one_is_refused() {
    let app = spawn_app().await;
    let (_c, socket, _events, _) = app.connect_as("customer@mealstream.test").await;
    let ack = emit_ack(&socket, "menu:watch", json!({ "restaurantId": 999_999 })).await;
    assert_eq!(ack["ok"], false);
    assert_eq!(ack["error"]["code"], "not_found", "{ack}");
    for bad in [
        json!({ "restaurantId": "1" }),
        json!({}),
        json!({ "restaurantId": -2 }),
    ] {
        let ack = emit_ack(&socket, "menu:watch", bad.clone()).await;
        assert_eq!(ack["ok"], false, "{bad}: {ack}");
        assert_eq!(ack["error"]["field"], "restaurantId", "{bad}: {ack}");
    }
}
