//! What a driver's screen is built from: online or not, the delivery they
//! are on and what it pays, their open offers, and their recent deliveries.

use super::dispatch::{offers_for, require_driver};
use super::Ctx;
use crate::store;
use model::error::AppError;
use model::{Delivered, DriverHome, User, RECENT_HOURS};

/// A driver's screen: online or not, the delivery they are on, their offers.
pub async fn home(ctx: &Ctx, driver: &User) -> Result<DriverHome, AppError> {
    require_driver(driver)?;
    let (active, active_pay_cents) =
        match store::orders::active_for_driver(&ctx.db, driver.id).await? {
            Some(id) => (
                Some(super::orders::get(ctx, driver, id).await?),
                Some(store::orders::driver_pay(&ctx.db, id).await?),
            ),
            None => (None, None),
        };
    Ok(DriverHome {
        online: ctx.fleet.is_online(driver.id).await?,
        active,
        active_pay_cents,
        offers: offers_for(ctx, driver).await?,
        delivered: deliveries(ctx, driver).await?,
    })
}

/// The driver's deliveries of the last [`RECENT_HOURS`], newest first, with
/// what each paid.
pub async fn deliveries(ctx: &Ctx, driver: &User) -> Result<Vec<Delivered>, AppError> {
    require_driver(driver)?;
    let since = ctx.now_ms() - RECENT_HOURS * 3_600_000;
    Ok(store::orders::delivered_by(&ctx.db, driver.id, since).await?)
}
