//! The REST API (`/api/*`), health checks, and the page guard. One
//! `router()` per feature; handlers parse input and call `mealstream_core::service`.

mod admin;
mod auth;
mod chat;
pub mod csp;
mod disputes;
mod driver;
mod events;
mod extract;
mod health;
mod notifications;
mod openapi;
mod orders;
pub mod pages;
mod responses;
mod restaurants;
pub mod security;
mod session;
mod stream;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{Json, Router};
use fred::prelude::Pool;
use mealstream_core::service::Ctx;
use model::error::{ErrorBody, ErrorDetail};

/// Largest JSON body the API accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct ApiState {
    pub ctx: Ctx,
    pub redis: Option<Pool>,
    /// The session store itself, for long-lived requests (SSE) that must
    /// notice a sign-out after their session was loaded.
    pub sessions: crate::sessions::Sessions,
}

impl FromRef<ApiState> for Ctx {
    fn from_ref(state: &ApiState) -> Ctx {
        state.ctx.clone()
    }
}

pub fn router(state: ApiState) -> Router {
    Router::new()
        .merge(admin::router())
        .merge(auth::router())
        .merge(chat::router())
        .merge(disputes::router())
        .merge(notifications::router())
        .merge(restaurants::router())
        .merge(orders::router())
        .merge(events::router())
        .merge(driver::router())
        .merge(stream::router())
        .route("/api/{*rest}", any(api_not_found))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::telemetry::render_metrics))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route_layer(axum::middleware::from_fn(crate::telemetry::track_http))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

fn error_json(status: StatusCode, code: &str, message: &str) -> impl IntoResponse {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message: message.into(),
            field: None,
        },
    };
    (status, Json(body))
}

async fn api_not_found() -> impl IntoResponse {
    error_json(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}

async fn method_not_allowed() -> impl IntoResponse {
    error_json(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not accept that method",
    )
}

/// A panic anywhere below becomes a JSON 500, never a dropped connection.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "a request handler panicked");
    error_json(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error",
    )
    .into_response()
}
