use leptos::prelude::*;

use super::ApiError;
use leptos::server_fn::codec::Json;

use model::admin::{Announce, Announcement, Overview, UserQuery, UserRow};
#[cfg(feature = "ssr")]
use model::Role;

#[server(prefix = "/_sfn")]
pub async fn admin_overview() -> Result<Overview, ApiError> {
    let (ctx, admin) = super::ssr::require_role(Role::Admin).await?;
    Ok(mealstream_core::service::admin::overview(&ctx, &admin).await?)
}

/// The users `query` asks for, newest first.
#[server(prefix = "/_sfn", input = Json)]
pub async fn admin_users(query: UserQuery) -> Result<Vec<UserRow>, ApiError> {
    let (ctx, admin) = super::ssr::require_role(Role::Admin).await?;
    Ok(mealstream_core::service::moderation::users(&ctx, &admin, &query).await?)
}

/// Suspends (or, with `suspended: false`, reinstates) a user.
#[server(prefix = "/_sfn")]
pub async fn set_user_suspended(user_id: model::UserId, suspended: bool) -> Result<(), ApiError> {
    let (ctx, admin) = super::ssr::require_role(Role::Admin).await?;
    if suspended {
        mealstream_core::service::moderation::suspend(&ctx, &admin, user_id).await?;
    } else {
        mealstream_core::service::moderation::reinstate(&ctx, &admin, user_id).await?;
    }
    Ok(())
}

#[server(prefix = "/_sfn", input = Json)]
pub async fn send_announcement(input: Announce) -> Result<Announcement, ApiError> {
    let (ctx, admin) = super::ssr::require_role(Role::Admin).await?;
    Ok(mealstream_core::service::moderation::announce(&ctx, &admin, &input).await?)
}
