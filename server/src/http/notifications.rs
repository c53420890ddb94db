//! `/api/notifications`: the caller's own notes and marking them read.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use mealstream_core::service::{notifications, Ctx};
use model::error::{AppError, ErrorBody};
use model::notification::{MarkRead, NotificationList};
use serde_json::{json, Value};

use super::extract::ApiJson;
use super::responses::{BodyErrors, SignedInRead};
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, mark_read))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/notifications", get(list))
        .route("/api/notifications/read", post(mark_read))
}

#[utoipa::path(
    get,
    path = "/api/notifications",
    tag = "notifications",
    responses(
        (status = 200, description = "the newest 50, and the unread count", body = NotificationList),
        SignedInRead
    )
)]
async fn list(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<NotificationList>, AppError> {
    Ok(Json(notifications::list(&ctx, &user).await?))
}

#[utoipa::path(
    post,
    path = "/api/notifications/read",
    tag = "notifications",
    request_body = MarkRead,
    responses(
        BodyErrors,
        (status = 200, description = "`{unread}`: what is left unread", body = serde_json::Value),
        (status = 422, description = "no ids and not all, or bad ids", body = ErrorBody),
        SignedInRead
    )
)]
async fn mark_read(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<Json<Value>, AppError> {
    let unread = notifications::mark_read(&ctx, &user, &body).await?;
    Ok(Json(json!({ "unread": unread })))
}
