//! A driver's live state: online or offline, and where they are. Kept in
//! the fleet (memory or Redis), never in SQL; dispatch reads it.

use super::dispatch::require_driver;
use super::fleet::Reported;
use super::Ctx;
use model::error::AppError;
use model::requests::{Availability, LocationReport};
use model::rooms::Room;
use model::{Role, User};

/// Online or offline. Going online makes the driver a candidate as soon as
/// their first position arrives.
pub async fn set_availability(
    ctx: &Ctx,
    driver: &User,
    availability: &Availability,
) -> Result<(), AppError> {
    require_driver(driver)?;
    ctx.fleet
        .go_online(driver.id, &driver.name, availability.online)
        .await
}

/// A driver's position: throttled, kept in memory, told to the watchers of
/// their delivery and (thinned) to admins. Never logged, never in SQL.
pub async fn report_location(
    ctx: &Ctx,
    driver: &User,
    report: &LocationReport,
) -> Result<bool, AppError> {
    require_driver(driver)?;
    let reported = ctx.fleet.report(driver.id, &driver.name, report).await;
    if let Err(e) = &reported {
        match e {
            AppError::RateLimited { .. } => {
                super::metrics::location("throttled");
                super::metrics::rate_limited("location");
            }
            AppError::Invalid { .. } | AppError::Malformed(_) => {
                super::metrics::location("invalid")
            }
            _ => {}
        }
    }
    match reported? {
        Reported::Unchanged => {
            super::metrics::location("unchanged");
            Ok(false)
        }
        Reported::Moved { watchers, admins } => {
            super::metrics::location("accepted");
            if let Some(update) = watchers {
                ctx.emitter
                    .ephemeral(vec![Room::order(update.order_id)], &update)
                    .await;
            }
            if let Some(position) = admins {
                ctx.emitter
                    .ephemeral(vec![Room::role(Role::Admin)], &position)
                    .await;
            }
            Ok(true)
        }
    }
}
