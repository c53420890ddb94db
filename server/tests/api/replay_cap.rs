//! A socket that missed more than one connection replays (ten reads) goes
//! live anyway, and the events between its replay and the log tail were
//! neither replayed nor sent to it: `hello` tells it to resync, and says it
//! is accounted for up to the newest event, not up to its replay.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{log_to_admins, next_event, spawn_app};

/// More `system:announcement`s to admins than one connection replays.
const LOGGED: i64 = 10_500;

#[tokio::test]
async fn a_socket_too_far_behind_to_replay_is_told_to_resync() {
    use sqlx::Connection as _;
    let app = spawn_app().await;
    app.login_demo("admin@mealstream.test").await;
    let mut db = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .expect("the app's database");
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(&mut db)
        .await
        .expect("newest");
    let newest = log_to_admins(&app, LOGGED, "catch up").await;
    assert_eq!(newest - before, LOGGED);
    // Until the tail has emitted them all (it reads 500 at a time).
    tokio::time::sleep(Duration::from_secs(2)).await;

    let cookie = app.cookie_header();
    let (_socket, mut events) = app
        .socket_with_auth(cookie.as_deref(), json!({ "lastEventId": before }))
        .await;
    // The replay, then hello.
    let mut replayed = 0;
    let hello = loop {
        match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
            Ok(Some((name, value))) if name == "hello" => break value,
            Ok(Some((name, _))) if name == "system:announcement" => replayed += 1,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("no hello after {replayed} replayed events"),
        }
    };
    assert_eq!(hello["resync"], true, "{hello}");
    assert_eq!(hello["lastEventId"], newest, "{hello}");
    assert!(
        replayed < LOGGED,
        "{replayed} events replayed: the cap did not bite"
    );

    // Resuming from there is whole again.
    let (_again, mut events) = app
        .socket_with_auth(cookie.as_deref(), json!({ "lastEventId": newest }))
        .await;
    let hello = next_event(&mut events, "hello").await.expect("hello");
    assert_eq!(hello["resync"], false, "{hello}");
    assert_eq!(hello["lastEventId"], newest, "{hello}");
}
