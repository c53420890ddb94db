//! Browsing restaurants and menus.

use super::Ctx;
use crate::error::AppError;
use crate::model::{Restaurant, RestaurantWithMenu};
use crate::store;

pub async fn list(ctx: &Ctx) -> Result<Vec<Restaurant>, AppError> {
    Ok(store::restaurants::list(&ctx.db).await?)
}

pub async fn with_menu(ctx: &Ctx, id: i64) -> Result<RestaurantWithMenu, AppError> {
    let restaurant = store::restaurants::by_id(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("restaurant"))?;
    let menu = store::restaurants::menu(&ctx.db, id).await?;
    Ok(RestaurantWithMenu { restaurant, menu })
}
