use leptos::prelude::*;

use super::ApiError;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use mealstream_core::service;
use model::order_query::OrderQuery;
use model::{Order, OrderId, OrderSummary};

/// Checkout. `idempotency_key` is made once per checkout in the browser,
/// so a retried click never makes a second order.
#[server(prefix = "/_sfn", input = Json)]
pub async fn place_order(
    input: model::CheckoutInput,
    idempotency_key: String,
) -> Result<Order, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    let order = service::orders::PlaceOrder::parse(input, Some(&idempotency_key))?;
    Ok(service::orders::place(&ctx, &user, order).await?)
}

/// The caller's orders (a customer's own, a restaurant's, all for admins)
/// that `query` asks for.
#[server(prefix = "/_sfn", input = Json)]
pub async fn list_orders(query: OrderQuery) -> Result<Vec<OrderSummary>, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::orders::list(&ctx, &user, &query).await?)
}

/// Orders picked up in the last hour: the board's "Recent" list.
#[server(prefix = "/_sfn")]
pub async fn recent_orders() -> Result<Vec<OrderSummary>, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::orders::recent(&ctx, &user).await?)
}

#[server(prefix = "/_sfn")]
pub async fn get_order(id: OrderId) -> Result<Order, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::orders::get(&ctx, &user, id).await?)
}

#[server(prefix = "/_sfn")]
pub async fn change_order_status(
    id: OrderId,
    status: String,
    reason: Option<String>,
) -> Result<Order, ApiError> {
    use crate::error::AppError;
    let (ctx, user) = super::ssr::signed_in().await?;
    let to = model::OrderStatus::parse(&status)
        .ok_or_else(|| AppError::invalid("status", format!("{status:?} is not an order status")))?;
    Ok(service::orders::change_status(&ctx, &user, id, to, reason).await?)
}
