use leptos::prelude::*;

use super::ApiError;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use mealstream_core::service;
use model::dispute::{Dispute, OpenDispute, ResolveDispute};
use model::{DisputeId, OrderId};

/// The caller's disputes (admins: all), or only those of `order_id`.
#[server(prefix = "/_sfn")]
pub async fn list_disputes(order_id: Option<OrderId>) -> Result<Vec<Dispute>, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::disputes::list(&ctx, &user, order_id).await?)
}

#[server(prefix = "/_sfn")]
pub async fn dispute_by_id(id: DisputeId) -> Result<Dispute, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::disputes::get(&ctx, &user, id).await?)
}

#[server(prefix = "/_sfn", input = Json)]
pub async fn file_dispute(order_id: OrderId, input: OpenDispute) -> Result<Dispute, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::disputes::open(&ctx, &user, order_id, &input).await?)
}

#[server(prefix = "/_sfn", input = Json)]
pub async fn settle_dispute(id: DisputeId, input: ResolveDispute) -> Result<Dispute, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::disputes::resolve(&ctx, &user, id, &input).await?)
}
