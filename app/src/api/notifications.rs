use leptos::prelude::*;

use super::ApiError;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use mealstream_core::service;
use model::notification::{MarkRead, NotificationList};

#[server(prefix = "/_sfn")]
pub async fn my_notifications() -> Result<NotificationList, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::notifications::list(&ctx, &user).await?)
}

/// Returns the unread count left.
#[server(prefix = "/_sfn", input = Json)]
pub async fn mark_notifications_read(request: MarkRead) -> Result<i64, ApiError> {
    let (ctx, user) = super::ssr::signed_in().await?;
    Ok(service::notifications::mark_read(&ctx, &user, &request).await?)
}
