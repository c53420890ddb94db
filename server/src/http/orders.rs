//! `/api/orders`: checkout, the lifecycle, and reading orders.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use mealstream_core::service::orders::{self, PlaceOrder};
use mealstream_core::service::Ctx;
use model::error::{AppError, ErrorBody};
use model::order_query::OrderQuery;
use model::{CheckoutInput, Order, OrderId, OrderStatus, OrderSummary};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, Id};
use super::responses::{
    NotYours, OwnWrite, PathId, RoleWrite, SignedInRead, SignedOut, Unavailable,
};
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(place, list, one, change_status))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/orders", post(place).get(list))
        .route("/api/orders/{id}", get(one))
        .route("/api/orders/{id}/status", post(change_status))
}

#[utoipa::path(
    post,
    path = "/api/orders",
    tag = "orders",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "a retried checkout with the same key returns the same order")
    ),
    request_body = CheckoutInput,
    responses(
        (status = 201, description = "the placed order (or the one a repeated Idempotency-Key made)", body = Order),
        (status = 409, description = "conflicts with the current state", body = ErrorBody),
        (status = 429, description = "more orders this minute than the customer may place (`--orders-per-minute`, 10 by default)", body = ErrorBody),
        RoleWrite
    )
)]
async fn place(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CheckoutInput>,
) -> Result<(StatusCode, Json<Order>), AppError> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| AppError::invalid("Idempotency-Key", "must be visible ASCII"))?,
        ),
    };
    let order = orders::place(&ctx, &user, PlaceOrder::parse(body, key)?).await?;
    Ok((StatusCode::CREATED, Json(order)))
}

#[derive(Deserialize)]
struct Recent {
    #[serde(default)]
    recent: Option<bool>,
}

#[utoipa::path(
    get,
    path = "/api/orders",
    tag = "orders",
    params(
        OrderQuery,
        ("recent" = Option<bool>, Query, description = "only orders picked up in the last hour (out for delivery or delivered); the other filters are then ignored")
    ),
    responses(
        (status = 200, description = "the caller's orders that match, newest first; the next page is `before` the last one's id", body = Vec<OrderSummary>),
        (status = 422, description = "a query parameter is invalid", body = ErrorBody),
        SignedInRead
    )
)]
async fn list(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiQuery(recent): ApiQuery<Recent>,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<Vec<OrderSummary>>, AppError> {
    Ok(Json(if recent.recent.unwrap_or(false) {
        orders::recent(&ctx, &user).await?
    } else {
        orders::list(&ctx, &user, &query).await?
    }))
}

#[utoipa::path(
    get,
    path = "/api/orders/{id}",
    tag = "orders",
    params(PathId),
    responses(
        (status = 200, description = "the order with items, history, driver and last position", body = Order),
        SignedOut,
        NotYours,
        Unavailable
    )
)]
async fn one(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(orders::get(&ctx, &user, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct StatusBody {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/orders/{id}/status",
    tag = "orders",
    params(PathId),
    request_body = StatusBody,
    responses(
        (status = 200, description = "the order after the step", body = Order),
        (status = 409, description = "not a legal step from the current status", body = ErrorBody),
        OwnWrite
    )
)]
async fn change_status(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<Order>, AppError> {
    let to = OrderStatus::parse(&body.status).ok_or_else(|| {
        AppError::invalid(
            "status",
            format!("{:?} is not an order status", body.status),
        )
    })?;
    Ok(Json(
        orders::change_status(&ctx, &user, id, to, body.reason).await?,
    ))
}
