//! Accounts and sessions over REST, on SQLite, on PostgreSQL, and with
//! sessions in Redis.

use serde_json::{json, Value};

use crate::helpers::{spawn_app_on, Backend, TestApp, DEMO_PASSWORD};

/// Runs each named test once per backend.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() {
            if crate::helpers::configured(&[super::Backend::Postgres]) { super::$name(super::Backend::Postgres).await }
        } )* }
        mod redis_sessions { $( #[tokio::test] async fn $name() {
            if crate::helpers::configured(&[super::Backend::RedisSessions]) { super::$name(super::Backend::RedisSessions).await }
        } )* }
    };
}

on_every_backend!(
    register_creates_a_signed_in_customer,
    duplicate_email_is_409_and_the_first_account_survives,
    demo_accounts_sign_in_with_their_role,
    wrong_password_and_unknown_email_get_the_same_401,
    logout_ends_the_session,
    signing_in_issues_a_new_session_id,
    repeated_failures_for_one_email_are_rate_limited,
);

async fn error_of(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body: Value = res.json().await.expect("a JSON error body");
    (status, body["error"].clone())
}

fn registration(email: &str) -> Value {
    json!({ "email": email, "password": "correct horse battery", "name": "Ann Example" })
}

async fn register_creates_a_signed_in_customer(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let res = app
        .post_json("/api/auth/register", &registration("ann@example.com"))
        .await;
    assert_eq!(res.status(), 201);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["email"], "ann@example.com");
    assert_eq!(user["role"], "customer");
    assert!(user.get("passwordHash").is_none() && user.get("password_hash").is_none());

    let me: Value = app.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["id"], user["id"]);
    assert_eq!(me["name"], "Ann Example");
}

async fn duplicate_email_is_409_and_the_first_account_survives(backend: Backend) {
    let app = spawn_app_on(backend).await;
    assert_eq!(
        app.post_json("/api/auth/register", &registration("ann@example.com"))
            .await
            .status(),
        201
    );
    let other = app.other_client();
    let mut second = registration("ANN@example.com");
    second["password"] = json!("another password!");
    let (status, error) = error_of(other.post_json("/api/auth/register", &second).await).await;
    assert_eq!(status, 409);
    assert_eq!(error["code"], "conflict");
    // The first account still signs in with its own password.
    assert_eq!(
        other
            .login("ann@example.com", "correct horse battery")
            .await
            .status(),
        200
    );
}

async fn demo_accounts_sign_in_with_their_role(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for (email, role) in [
        ("customer@mealstream.test", "customer"),
        ("customer2@mealstream.test", "customer"),
        ("restaurant@mealstream.test", "restaurant"),
        ("restaurant2@mealstream.test", "restaurant"),
        ("driver@mealstream.test", "driver"),
        ("driver2@mealstream.test", "driver"),
        ("admin@mealstream.test", "admin"),
    ] {
        let client = app.other_client();
        let user = client.login_demo(email).await;
        assert_eq!(user["role"], role, "{email}");
        let me: Value = client.get("/api/me").await.json().await.unwrap();
        assert_eq!(me["email"], email);
        if role == "restaurant" {
            assert!(
                me["restaurantId"].as_i64().is_some(),
                "staff know their restaurant"
            );
        }
    }
}

async fn wrong_password_and_unknown_email_get_the_same_401(backend: Backend) {
    let app = spawn_app_on(backend).await;
    let (s1, wrong_password) = error_of(
        app.login("customer@mealstream.test", "not the password")
            .await,
    )
    .await;
    let (s2, unknown_email) = error_of(
        app.login("nobody@mealstream.test", "not the password")
            .await,
    )
    .await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(wrong_password, unknown_email);
    assert_eq!(app.get("/api/me").await.status(), 401);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.login_demo("customer@mealstream.test").await;
    let cookie = app.cookie_header().expect("a session cookie");
    assert_eq!(app.get("/api/me").await.status(), 200);
    assert_eq!(
        app.client
            .post(app.url("/api/auth/logout"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(app.get("/api/me").await.status(), 401);
    // Replaying the old cookie does not bring the session back.
    let replay = app.other_client();
    let res = replay
        .client
        .get(app.url("/api/me"))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn signing_in_issues_a_new_session_id(backend: Backend) {
    let app = spawn_app_on(backend).await;
    app.login_demo("customer@mealstream.test").await;
    let first = app.session_cookie().expect("session cookie");
    app.login_demo("customer2@mealstream.test").await;
    let second = app.session_cookie().expect("session cookie");
    assert_ne!(first, second);
    let me: Value = app.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["email"], "customer2@mealstream.test");
}

async fn repeated_failures_for_one_email_are_rate_limited(backend: Backend) {
    let app = spawn_app_on(backend).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("customer@mealstream.test", "guess guess guess")
                .await
                .status(),
            401
        );
    }
    let (status, error) =
        error_of(app.login("customer@mealstream.test", DEMO_PASSWORD).await).await;
    assert_eq!(status, 429);
    assert_eq!(error["code"], "rate_limited");
    // Other accounts are unaffected.
    assert_eq!(
        app.login("customer2@mealstream.test", DEMO_PASSWORD)
            .await
            .status(),
        200
    );
}

// Bad input: these behave the same on every backend, so SQLite suffices.

async fn sqlite_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = sqlite_app().await;
    let res = app
        .client
        .post(app.url("/api/auth/register"))
        .header("Content-Type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(res).await;
    assert_eq!(status, 400);
    assert_eq!(error["code"], "malformed");
}

#[tokio::test]
async fn missing_field_is_422_naming_it() {
    let app = sqlite_app().await;
    let body = json!({ "email": "ann@example.com", "name": "Ann" });
    let (status, error) = error_of(app.post_json("/api/auth/register", &body).await).await;
    assert_eq!(status, 422);
    assert_eq!(error["field"], "password");
}

#[tokio::test]
async fn invalid_fields_are_422_naming_the_field() {
    let app = sqlite_app().await;
    let long_name = "n".repeat(101);
    let cases = [
        (
            json!({"email": "not-an-email", "password": "long enough pw", "name": "Ann"}),
            "email",
        ),
        (
            json!({"email": "ann@example.com", "password": "short", "name": "Ann"}),
            "password",
        ),
        (
            json!({"email": "ann@example.com", "password": "long enough pw", "name": "  "}),
            "name",
        ),
        (
            json!({"email": "ann@example.com", "password": "long enough pw", "name": long_name}),
            "name",
        ),
        (
            json!({"email": 5, "password": "long enough pw", "name": "Ann"}),
            "email",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = error_of(app.post_json("/api/auth/register", &body).await).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error["field"], field, "{body}");
        assert!(
            error["message"].as_str().unwrap().starts_with(field),
            "{error}"
        );
    }
    // Nothing was stored by the refused attempts.
    assert_eq!(
        app.login("ann@example.com", "long enough pw")
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn body_over_64_kib_is_413() {
    let app = sqlite_app().await;
    let body = json!({ "email": "ann@example.com", "password": "long enough pw", "name": "x".repeat(70 * 1024) });
    let (status, error) = error_of(app.post_json("/api/auth/register", &body).await).await;
    assert_eq!(status, 413);
    assert_eq!(error["code"], "too_large");
}

#[tokio::test]
async fn unknown_api_route_is_json_404() {
    let app = sqlite_app().await;
    let (status, error) = error_of(app.get("/api/no-such-thing").await).await;
    assert_eq!(status, 404);
    assert_eq!(error["code"], "not_found");
}

#[tokio::test]
async fn role_pages_redirect_to_sign_in_or_to_your_own_home() {
    let app = sqlite_app().await;
    let res = app.get("/admin").await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/login?next=/admin");
    let res = app.get("/orders/3").await;
    assert_eq!(res.headers()["location"], "/login?next=/orders/3");
    // Visitors browse restaurants and menus.
    for page in ["/restaurants", "/restaurants/1"] {
        let res = app.get(page).await;
        assert_eq!(res.status(), 200, "{page}");
    }
    app.login_demo("driver@mealstream.test").await;
    let res = app.get("/admin").await;
    assert_eq!(res.headers()["location"], "/driver");
    let res = app.get("/restaurants").await;
    assert_eq!(res.headers()["location"], "/driver", "a customer's page");
}

#[tokio::test]
async fn restaurants_are_listed_with_their_menus() {
    let app = sqlite_app().await;
    let list: Vec<Value> = app.get("/api/restaurants").await.json().await.unwrap();
    assert!(list.len() >= 5);
    let id = list[0]["id"].as_i64().unwrap();
    let one: Value = app
        .get(&format!("/api/restaurants/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!one["menu"].as_array().unwrap().is_empty());
    let first_dish = one["menu"][0]["name"].as_str().unwrap();
    assert!(
        list[0]["dishes"].as_str().unwrap().contains(first_dish),
        "the list carries each restaurant's dishes, for a search: {}",
        list[0]
    );
    assert!(one["menu"][0]["priceCents"].as_i64().is_some());
    assert_eq!(app.get("/api/restaurants/999999").await.status(), 404);
    assert_eq!(app.get("/api/restaurants/abc").await.status(), 404);
}
