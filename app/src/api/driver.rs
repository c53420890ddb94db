use leptos::prelude::*;

use super::ApiError;

use model::events::DriverPosition;
use model::{DriverHome, Order, OrderId};

#[server(prefix = "/_sfn")]
pub async fn load_driver_home() -> Result<DriverHome, ApiError> {
    let (ctx, driver) = super::ssr::require_role(model::Role::Driver).await?;
    Ok(mealstream_core::service::driver_home::home(&ctx, &driver).await?)
}

#[server(prefix = "/_sfn")]
pub async fn accept_offer(order_id: OrderId) -> Result<Order, ApiError> {
    let (ctx, driver) = super::ssr::signed_in().await?;
    Ok(mealstream_core::service::dispatch::accept(&ctx, &driver, order_id).await?)
}

#[server(prefix = "/_sfn")]
pub async fn decline_offer(order_id: OrderId) -> Result<(), ApiError> {
    let (ctx, driver) = super::ssr::signed_in().await?;
    Ok(mealstream_core::service::dispatch::decline(&ctx, &driver, order_id).await?)
}

/// Every online driver, for the admin map.
#[server(prefix = "/_sfn")]
pub async fn fleet_positions() -> Result<Vec<DriverPosition>, ApiError> {
    let (ctx, _admin) = super::ssr::require_role(model::Role::Admin).await?;
    Ok(ctx.fleet.positions().await?)
}
