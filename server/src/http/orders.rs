//! `/api/orders`: checkout, the lifecycle, and reading orders.

use app::error::AppError;
use app::model::{CheckoutInput, Order, OrderStatus, OrderSummary};
use app::service::orders::{self, PlaceOrder};
use app::service::Ctx;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::extract::{ApiJson, Id};
use super::session::SignedIn;
use super::ApiState;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/orders", post(place).get(list))
        .route("/api/orders/{id}", get(one))
        .route("/api/orders/{id}/status", post(change_status))
}

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
struct ListQuery {
    #[serde(default)]
    active: Option<bool>,
}

async fn list(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<OrderSummary>>, AppError> {
    Ok(Json(
        orders::list(&ctx, &user, q.active.unwrap_or(false)).await?,
    ))
}

async fn one(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
) -> Result<Json<Order>, AppError> {
    Ok(Json(orders::get(&ctx, &user, id).await?))
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn change_status(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
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
