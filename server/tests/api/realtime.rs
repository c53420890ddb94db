//! The Socket.IO handshake reads the same session cookie as REST.

use serde_json::Value;

use crate::helpers::{next_event, spawn_app};

#[tokio::test]
async fn socket_without_a_cookie_is_refused() {
    let app = spawn_app().await;
    let (_socket, mut events) = app.socket(None).await;
    let error = next_event(&mut events, "error")
        .await
        .expect("a connect error");
    assert!(error.to_string().contains("unauthorized"), "{error}");
}

#[tokio::test]
async fn socket_with_a_forged_cookie_is_refused() {
    let app = spawn_app().await;
    let (_socket, mut events) = app.socket(Some("mealstream.sid=forged-session-id")).await;
    let error = next_event(&mut events, "error")
        .await
        .expect("a connect error");
    assert!(error.to_string().contains("unauthorized"), "{error}");
}

#[tokio::test]
async fn socket_of_a_signed_out_session_is_refused() {
    let app = spawn_app().await;
    app.login_demo("customer@mealstream.test").await;
    let cookie = app.cookie_header().unwrap();
    app.client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    let (_socket, mut events) = app.socket(Some(&cookie)).await;
    assert!(next_event(&mut events, "error").await.is_some());
}

#[tokio::test]
async fn signed_in_socket_gets_hello_with_its_user_and_rooms() {
    let app = spawn_app().await;
    let user = app.login_demo("customer@mealstream.test").await;
    let cookie = app.cookie_header().unwrap();
    let (_socket, mut events) = app.socket(Some(&cookie)).await;
    let hello = next_event(&mut events, "hello").await.expect("hello");
    assert_eq!(hello["user"]["id"], user["id"]);
    assert_eq!(hello["user"]["role"], "customer");
    assert_eq!(hello["user"]["name"], user["name"]);
    let rooms: Vec<String> = serde_json::from_value(hello["rooms"].clone()).unwrap();
    let sid = app.session_cookie().unwrap();
    assert!(rooms.contains(&format!("user:{}", user["id"])));
    assert!(rooms.contains(&"role:customer".to_owned()));
    let session_room = rooms
        .iter()
        .find(|r| r.starts_with("session:"))
        .expect("a session room");
    assert!(
        !session_room.contains(&sid),
        "the secret session id never reaches the client"
    );
    assert_eq!(rooms.len(), 3, "a customer is in no other room: {rooms:?}");
    assert!(hello["lastEventId"].as_i64().is_some());
}

#[tokio::test]
async fn restaurant_staff_socket_joins_its_restaurant_room() {
    let app = spawn_app().await;
    let user = app.login_demo("restaurant@mealstream.test").await;
    let (_socket, mut events) = app.socket(app.cookie_header().as_deref()).await;
    let hello = next_event(&mut events, "hello").await.expect("hello");
    let rooms: Vec<Value> = serde_json::from_value(hello["rooms"].clone()).unwrap();
    assert!(rooms.contains(&Value::String(format!(
        "restaurant:{}",
        user["restaurantId"]
    ))));
    assert!(rooms.contains(&Value::String("role:restaurant".into())));
}

#[tokio::test]
async fn signing_out_revokes_the_sessions_socket() {
    let app = spawn_app().await;
    app.login_demo("driver@mealstream.test").await;
    let (_socket, mut events) = app.socket(app.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    app.client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("session:revoked");
    assert_eq!(revoked["reason"], "signed out");
}
