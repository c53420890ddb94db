use leptos::prelude::*;

use super::ApiError;

#[cfg(feature = "ssr")]
use mealstream_core::service;
use model::chat::ChatHistory;

/// An order's chat as it opens (the same as `GET /api/orders/{id}/messages`).
#[server(prefix = "/_sfn")]
pub async fn load_chat(order_id: model::OrderId) -> Result<ChatHistory, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::chat::history(&ctx, &user, order_id).await?)
}
