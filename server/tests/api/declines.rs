//! A driver turns an offer down: it never comes back to them and the next
//! driver is asked at once. Offers say what they pay; a driver's recent
//! deliveries say what each paid.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    confirmed_order, customer_and_staff, deliver, drain, go_online, next_event, spawn_app,
    NEAR_TASCA,
};

fn offers_of(events: &[(String, Value)], order_id: i64) -> usize {
    events
        .iter()
        .filter(|(e, v)| e == "delivery:offer" && v["orderId"] == order_id)
        .count()
}

#[tokio::test]
async fn a_declined_offer_goes_to_the_next_driver_and_never_comes_back() {
    let app = spawn_app().await;
    let (d1, _s1, mut e1, _) = app.connect_as("driver@mealstream.test").await;
    go_online(&d1, NEAR_TASCA).await;
    let (customer, staff) = customer_and_staff(&app).await;
    let id = confirmed_order(&customer, &staff).await;
    next_event(&mut e1, "delivery:offer")
        .await
        .expect("the only driver online is asked");

    // A second driver comes online while the first still holds the offer.
    let (d2, _s2, mut e2, _) = app.connect_as("driver2@mealstream.test").await;
    go_online(&d2, (38.7150, -9.1400)).await;

    let res = d1
        .post_json(&format!("/api/orders/{id}/decline"), &json!({}))
        .await;
    assert_eq!(res.status(), 204);
    let gone = next_event(&mut e1, "delivery:offer_withdrawn")
        .await
        .expect("the driver's other devices hear of it");
    assert_eq!(
        (gone["orderId"].as_i64(), gone["reason"].as_str()),
        (Some(id), Some("declined"))
    );
    let listed = d1.get_list("/api/driver/offers").await;
    assert!(listed.is_empty(), "{listed:?}");
    let offer = next_event(&mut e2, "delivery:offer")
        .await
        .expect("the next driver is asked at once");
    assert_eq!(offer["orderId"], id);

    // Twice (a double tap, a retry) is still one decline: done, and the
    // next driver's offer stands.
    let res = d1
        .post_json(&format!("/api/orders/{id}/decline"), &json!({}))
        .await;
    assert_eq!(res.status(), 204, "{}", res.text().await.unwrap());
    let heard = drain(&mut e1, Duration::from_millis(300)).await;
    assert!(
        !heard.iter().any(|(e, _)| e == "delivery:offer_withdrawn"),
        "nothing is sent again: {heard:?}"
    );

    // Once everyone declined, nobody is asked again: not the first driver.
    let res = d2
        .post_json(&format!("/api/orders/{id}/decline"), &json!({}))
        .await;
    assert_eq!(res.status(), 204);
    let heard = drain(&mut e1, Duration::from_millis(800)).await;
    assert_eq!(offers_of(&heard, id), 0, "{heard:?}");
    let listed = d1.get_list("/api/driver/offers").await;
    assert!(listed.is_empty(), "{listed:?}");

    // Only a driver declines, and only an offer they hold.
    let res = customer
        .post_json(&format!("/api/orders/{id}/decline"), &json!({}))
        .await;
    assert_eq!(res.status(), 403);
    let res = d1.post_json("/api/orders/999999/decline", &json!({})).await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn an_offer_says_what_it_pays_and_the_delivery_is_counted_with_it() {
    let app = spawn_app().await;
    let (driver, _s, mut events, _) = app.connect_as("driver@mealstream.test").await;
    go_online(&driver, NEAR_TASCA).await;
    let (customer, staff) = customer_and_staff(&app).await;
    let id = confirmed_order(&customer, &staff).await;
    let offer = next_event(&mut events, "delivery:offer")
        .await
        .expect("an offer");
    let distance = offer["distanceM"].as_i64().unwrap();
    let pay = offer["payCents"].as_i64().unwrap();
    assert_eq!(pay, 300 + (distance * 120 + 500) / 1000, "{offer}");
    let listed = driver.get_list("/api/driver/offers").await;
    assert_eq!(listed[0]["payCents"], pay);

    let res = driver
        .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    deliver(&staff, &driver, id, "delivered").await;
    let done = driver.get_list("/api/driver/deliveries").await;
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(done[0]["orderId"], id);
    assert_eq!(done[0]["payCents"], pay);
    assert_eq!(done[0]["restaurantName"], "Tasca do Rossio");
    assert!(done[0]["deliveredAt"].as_str().unwrap().ends_with('Z'));

    // Someone else's deliveries are not theirs to read.
    let res = customer.get("/api/driver/deliveries").await;
    assert_eq!(res.status(), 403);
}
