//! Suspension and reinstatement on one node: only admins, at once.

use serde_json::json;

use crate::helpers::{next_event, spawn_app};

#[tokio::test]
async fn an_admin_suspends_a_user_whose_socket_is_cut_and_reinstates_them() {
    let app = spawn_app().await;
    let (customer, _socket, mut events, me) = app.connect_as("customer@mealstream.test").await;
    let admin = app.other_client();
    let admin_me = admin.login_demo("admin@mealstream.test").await;
    let id = me["id"].as_i64().unwrap();

    let started = std::time::Instant::now();
    let res = admin
        .post_json(&format!("/api/admin/users/{id}/suspend"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["suspended"], true);
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("session:revoked");
    assert_eq!(revoked["reason"], "suspended");
    assert!(started.elapsed().as_secs() < 1, "cut within a second");
    assert_eq!(customer.get("/api/me").await.status(), 401);

    // Admins only; not yourself; an unknown user is 404.
    let res = customer
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 401, "the suspended user is signed out");
    let other = app.other_client();
    other.login_demo("customer2@mealstream.test").await;
    let res = other
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 403);
    let own = admin_me["id"].as_i64().unwrap();
    assert_eq!(
        admin
            .post_json(&format!("/api/admin/users/{own}/suspend"), &json!({}))
            .await
            .status(),
        409
    );
    assert_eq!(
        admin
            .post_json("/api/admin/users/999999/suspend", &json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        admin
            .post_json("/api/admin/users/abc/suspend", &json!({}))
            .await
            .status(),
        404
    );

    let res = admin
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        customer
            .login("customer@mealstream.test", "mealstream")
            .await
            .status(),
        200
    );
}
