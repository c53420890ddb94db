//! `/api/orders/{id}/messages`: an order's chat over REST (the socket's
//! `chat:send` does the same through the same service).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use mealstream_core::service::{chat, Ctx};
use model::chat::{ChatHistory, ChatMessage, SendMessage};
use model::error::{AppError, ErrorBody};

use super::extract::{ApiJson, Id};
use super::responses::{BodyErrors, SignedInRead};
use super::session::SignedIn;
use super::ApiState;
use model::OrderId;

#[derive(utoipa::OpenApi)]
#[openapi(paths(history, send))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new().route("/api/orders/{id}/messages", get(history).post(send))
}

#[utoipa::path(
    get,
    path = "/api/orders/{id}/messages",
    tag = "chat",
    params(
        ("id" = i64, Path, description = "the order")
    ),
    responses(
        (status = 200, description = "the newest 200 messages, oldest first, and read marks", body = ChatHistory),
        (status = 404, description = "no such order, or not a participant (answered alike)", body = ErrorBody),
        SignedInRead
    )
)]
async fn history(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
) -> Result<Json<ChatHistory>, AppError> {
    Ok(Json(chat::history(&ctx, &user, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/orders/{id}/messages",
    tag = "chat",
    params(
        ("id" = i64, Path, description = "the order")
    ),
    request_body = SendMessage,
    responses(
        BodyErrors,
        (status = 201, description = "sent", body = ChatMessage),
        (status = 200, description = "a resend: the message first sent with this clientId", body = ChatMessage),
        (status = 403, description = "admins read chats but do not write in them", body = ErrorBody),
        (status = 404, description = "no such order, or not a participant (answered alike)", body = ErrorBody),
        (status = 409, description = "the chat closed, or the clientId belongs to another message", body = ErrorBody),
        (status = 422, description = "empty or over 2,000 characters, or a bad clientId", body = ErrorBody),
        (status = 429, description = "more than 5 messages a second", body = ErrorBody),
        SignedInRead
    )
)]
async fn send(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
    ApiJson(body): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<ChatMessage>), AppError> {
    let (message, new) = chat::send(&ctx, &user, id, &body).await?;
    Ok((
        if new {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(message),
    ))
}
