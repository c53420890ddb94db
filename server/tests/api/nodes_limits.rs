//! Per-user limits hold for the deployment, not per node: two real
//! `mealstream` processes behind one Redis count a user's sockets and a
//! driver's location reports together.

use std::time::Duration;

use serde_json::json;

use crate::cluster::{cluster, jar};
use crate::helpers::{drain, next_event, NEAR_TASCA};

#[tokio::test]
async fn twenty_one_sockets_over_two_nodes_close_the_oldest() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = cluster().await;
    let cookies = jar();
    let on_a = a.client(cookies.clone());
    on_a.login_demo("customer@mealstream.test").await;
    let on_b = b.client(cookies);
    let cookie = on_a.cookie_header();
    let (_oldest, mut oldest_events) = on_a.socket(cookie.as_deref()).await;
    next_event(&mut oldest_events, "hello")
        .await
        .expect("hello");
    let mut kept = Vec::new();
    for i in 0..19 {
        let node = if i % 2 == 0 { &on_b } else { &on_a };
        let (socket, mut events) = node.socket(cookie.as_deref()).await;
        next_event(&mut events, "hello").await.expect("hello");
        kept.push((socket, events));
    }
    // Twenty in all, ten on each node: nobody is closed yet.
    let quiet = drain(&mut oldest_events, Duration::from_millis(500)).await;
    assert!(!quiet.iter().any(|(name, _)| name == "close"), "{quiet:?}");
    // The twenty-first, on the other node, closes the oldest, on this one.
    let (_newest, mut events) = on_b.socket(cookie.as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    let got = drain(&mut oldest_events, Duration::from_secs(3)).await;
    assert!(
        got.iter().any(|(name, _)| name == "close"),
        "the oldest socket is closed across nodes: {got:?}"
    );
    for (_, events) in &mut kept {
        let got = drain(events, Duration::from_millis(50)).await;
        assert!(!got.iter().any(|(name, _)| name == "close"), "{got:?}");
    }
}

#[tokio::test]
async fn a_driver_cannot_double_their_location_rate_through_two_nodes() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = cluster().await;
    let cookies = jar();
    let on_a = a.client(cookies.clone());
    on_a.login_demo("driver@mealstream.test").await;
    let on_b = b.client(cookies);
    let res = on_a
        .post_json("/api/driver/availability", &json!({ "online": true }))
        .await;
    assert_eq!(res.status(), 200);
    let report = |lat: f64| json!({ "lat": lat, "lng": NEAR_TASCA.1 });
    let first = on_a
        .post_json("/api/driver/location", &report(NEAR_TASCA.0))
        .await;
    assert_eq!(first.status(), 202);
    // At once, through the other node: the same driver, the same slot.
    let second = on_b
        .post_json("/api/driver/location", &report(NEAR_TASCA.0 + 0.001))
        .await;
    assert_eq!(second.status(), 429);
    assert!(second.headers().contains_key("retry-after"));
    // A steady 1 Hz phone is never refused, whichever node it reaches.
    for (i, node) in [&on_b, &on_a, &on_b].into_iter().enumerate() {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let res = node
            .post_json(
                "/api/driver/location",
                &report(NEAR_TASCA.0 + i as f64 * 1e-3),
            )
            .await;
        assert_eq!(res.status(), 202, "report {i} a second later");
    }
}
