//! What a driver's screen is built from: online or not, the delivery they
//! are on and what it pays, their open offers, and their recent deliveries.

use super::dispatch::{offers_for, require_driver};
use super::Ctx;
use crate::store;
use model::error::AppError;
use model::{Delivered, DriverHome, Order, User, RECENT_HOURS};

/// A driver's screen: online or not, the delivery they are on, their offers.
pub async fn home(ctx: &Ctx, driver: &User) -> Result<DriverHome, AppError> {
    require_driver(driver)?;
    // Four reads that need nothing from each other, in flight together: a
    // driver's phone loads this on every open and every reconnect.
    let (active, online, offers, delivered) = tokio::try_join!(
        active(ctx, driver),
        ctx.fleet.is_online(driver.id),
        offers_for(ctx, driver),
        deliveries(ctx, driver),
    )?;
    let (active, active_pay_cents) = active.unzip();
    Ok(DriverHome {
        online,
        active,
        active_pay_cents,
        offers,
        delivered,
    })
}

/// The delivery the driver is on, if any, and what it pays.
async fn active(ctx: &Ctx, driver: &User) -> Result<Option<(Order, i64)>, AppError> {
    match store::orders::active_for_driver(&ctx.db, driver.id).await? {
        Some((id, pay_cents)) => Ok(Some((
            super::orders::get(ctx, driver, id).await?,
            pay_cents,
        ))),
        None => Ok(None),
    }
}

/// The driver's deliveries of the last [`RECENT_HOURS`], newest first, with
/// what each paid.
pub async fn deliveries(ctx: &Ctx, driver: &User) -> Result<Vec<Delivered>, AppError> {
    require_driver(driver)?;
    let since = ctx.now_ms() - RECENT_HOURS * 3_600_000;
    Ok(store::orders::delivered_by(&ctx.db, driver.id, since).await?)
}
