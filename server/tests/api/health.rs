use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_on, Backend};

#[tokio::test]
async fn healthz_answers() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn readyz_reports_database_and_redis() {
    if !crate::helpers::configured(&[crate::helpers::Backend::RedisSessions]) {
        return;
    }
    let app = spawn_app_on(Backend::RedisSessions).await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["redis"], "ok");
}
