use leptos::prelude::*;

use crate::model::{Restaurant, RestaurantWithMenu};

#[server(prefix = "/_sfn")]
pub async fn list_restaurants() -> Result<Vec<Restaurant>, ServerFnError> {
    let (ctx, _) = super::ssr::ctx_and_session().await?;
    Ok(crate::service::restaurants::list(&ctx).await?)
}

#[server(prefix = "/_sfn")]
pub async fn get_restaurant(id: i64) -> Result<RestaurantWithMenu, ServerFnError> {
    let (ctx, _) = super::ssr::ctx_and_session().await?;
    Ok(crate::service::restaurants::with_menu(&ctx, id).await?)
}
