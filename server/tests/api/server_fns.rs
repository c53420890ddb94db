//! The server functions the pages call fail the way REST does: a 4xx status
//! for anything the user did, with the same `{code, message, field}`, and
//! never a 500.

use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, tasca, TestApp, DEMO_PASSWORD};

/// Calls a server function as the browser's form encoding does.
async fn call<F: ServerFn>(app: &TestApp, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(F::PATH))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request sent");
    let status = res.status();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// The error a server function answered, checked against its status.
fn error_of(status: StatusCode, body: &Value) -> (&str, Option<&str>) {
    assert_eq!(
        body["status"].as_u64(),
        Some(u64::from(status.as_u16())),
        "the body carries the response's status: {body}"
    );
    (
        body["error"]["code"].as_str().unwrap_or_default(),
        body["error"]["field"].as_str(),
    )
}

#[tokio::test]
async fn sign_in_errors_are_401_403_and_429_never_500() {
    use app::api::auth::Login;
    let app = spawn_app().await;

    let (status, body) = call::<Login>(
        &app,
        &[
            ("email", "customer@mealstream.test"),
            ("password", "not it"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_of(status, &body).0, "bad_credentials");

    // A suspended account that knows its password is told so.
    let admin = app.other_client();
    admin.login_demo("admin@mealstream.test").await;
    let me = app.other_client();
    let who = me.login_demo("customer2@mealstream.test").await;
    let id = who["id"].as_i64().expect("user id");
    let res = admin
        .post_json(&format!("/api/admin/users/{id}/suspend"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let (status, body) = call::<Login>(
        &app,
        &[
            ("email", "customer2@mealstream.test"),
            ("password", DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_of(status, &body).0, "suspended");
    // ...and someone who does not know it learns nothing.
    let (status, body) = call::<Login>(
        &app,
        &[
            ("email", "customer2@mealstream.test"),
            ("password", "guessing"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn bad_input_is_422_with_the_field_and_a_readable_message() {
    use app::api::auth::Register;
    use app::api::menu::EditMenuItem;
    let app = spawn_app().await;

    let (status, body) = call::<Register>(
        &app,
        &[
            ("name", "Rita"),
            ("email", "not an email"),
            ("password", "long enough password"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(status, &body), ("invalid", Some("email")));

    let (status, body) = call::<Register>(
        &app,
        &[
            ("name", "Rita"),
            ("email", "rita@example.com"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(status, &body), ("invalid", Some("password")));

    // A negative price, from staff.
    app.login_demo("restaurant@mealstream.test").await;
    let menu = tasca(&app).await;
    let item = menu["menu"][0]["id"]
        .as_i64()
        .expect("a menu item")
        .to_string();
    let (status, body) = call::<EditMenuItem>(
        &app,
        &[
            ("id", &item),
            ("name", "Caldo verde"),
            ("description", ""),
            ("price_cents", "-5"),
            ("available", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(status, &body), ("invalid", Some("priceCents")));
}

#[tokio::test]
async fn unreadable_arguments_are_400_and_rights_are_401_403_404() {
    use app::api::menu::EditMenuItem;
    use app::api::orders::GetOrder;
    let app = spawn_app().await;

    // Not signed in.
    let (status, body) = call::<GetOrder>(&app, &[("id", "1")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_of(status, &body).0, "unauthenticated");

    app.login_demo("customer@mealstream.test").await;
    let (status, body) = call::<GetOrder>(&app, &[("id", "not a number")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_of(status, &body).0, "malformed");

    let (status, body) = call::<GetOrder>(&app, &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(error_of(status, &body).0, "not_found");

    // A customer editing a menu.
    let (status, body) = call::<EditMenuItem>(
        &app,
        &[
            ("id", "1"),
            ("name", "Free soup"),
            ("description", ""),
            ("price_cents", "500"),
            ("available", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_of(status, &body).0, "forbidden");
}
