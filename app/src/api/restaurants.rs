use leptos::prelude::*;

use super::ApiError;

use model::{Restaurant, RestaurantId, RestaurantWithMenu};

#[server(prefix = "/_sfn")]
pub async fn list_restaurants() -> Result<Vec<Restaurant>, ApiError> {
    let (ctx, _) = super::ssr::ctx_and_session().await?;
    Ok(mealstream_core::service::restaurants::list(&ctx).await?)
}

#[server(prefix = "/_sfn")]
pub async fn get_restaurant(id: RestaurantId) -> Result<RestaurantWithMenu, ApiError> {
    let (ctx, _) = super::ssr::ctx_and_session().await?;
    Ok(mealstream_core::service::restaurants::with_menu(&ctx, id).await?)
}
