use leptos::prelude::*;

use super::ApiError;

use model::{MenuItem, MenuItemId, RestaurantWithMenu};

/// The signed-in staff member's restaurant with its whole menu.
#[server(prefix = "/_sfn")]
pub async fn my_restaurant() -> Result<RestaurantWithMenu, ApiError> {
    use crate::error::AppError;
    let (ctx, user) = super::ssr::require_role(model::Role::Restaurant).await?;
    let id = user.restaurant_id.ok_or(AppError::Forbidden)?;
    Ok(mealstream_core::service::restaurants::with_menu(&ctx, id).await?)
}

/// Staff edit one menu item: name, description, price (cents), availability.
#[server(prefix = "/_sfn")]
pub async fn edit_menu_item(
    id: MenuItemId,
    name: String,
    description: String,
    price_cents: i64,
    available: bool,
) -> Result<MenuItem, ApiError> {
    use mealstream_core::service::restaurants::{update_menu_item, MenuItemPatch};
    let (ctx, user) = super::ssr::signed_in().await?;
    let patch = MenuItemPatch {
        name: Some(name),
        description: Some(description),
        price_cents: Some(price_cents),
        available: Some(available),
    };
    Ok(update_menu_item(&ctx, &user, id, patch).await?)
}

/// Staff add an item at the end of their menu, available at once.
#[server(prefix = "/_sfn")]
pub async fn add_menu_item(
    name: String,
    description: String,
    price_cents: i64,
) -> Result<MenuItem, ApiError> {
    use crate::error::AppError;
    use mealstream_core::service::restaurants::{add_menu_item, NewMenuItem};
    let (ctx, user) = super::ssr::require_role(model::Role::Restaurant).await?;
    let restaurant = user.restaurant_id.ok_or(AppError::Forbidden)?;
    let item = NewMenuItem {
        name,
        description,
        price_cents,
    };
    Ok(add_menu_item(&ctx, &user, restaurant, item).await?)
}
