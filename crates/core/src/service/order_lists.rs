//! Lists of orders: the caller's own, the active ones, the ones picked up
//! lately (a restaurant board's "Recent").

use super::Ctx;
use crate::store::{self, orders::Filter, orders::Listing};
use model::error::AppError;
use model::order_query::{OrderQuery, MAX_LIST};
use model::{OrderSummary, Role, User};

/// The orders `actor` sees (a customer's own, a restaurant's, a driver's,
/// or for admins every order) that `query` asks for. Newest first.
pub async fn list(
    ctx: &Ctx,
    actor: &User,
    query: &OrderQuery,
) -> Result<Vec<OrderSummary>, AppError> {
    let wanted = query.check()?;
    let listing = listing_of(actor)?;
    Ok(store::orders::list(&ctx.db, listing, Filter::Matching(&wanted), wanted.limit).await?)
}

/// How long a picked-up order stays in [`recent`].
pub const RECENT_MS: i64 = 3_600_000;

/// The caller's orders picked up in the last hour (out for delivery or
/// delivered), newest first: the board's "Recent" list, chat included.
pub async fn recent(ctx: &Ctx, actor: &User) -> Result<Vec<OrderSummary>, AppError> {
    let since = ctx.now_ms() - RECENT_MS;
    Ok(store::orders::list(
        &ctx.db,
        listing_of(actor)?,
        Filter::PickedUpSince(since),
        MAX_LIST,
    )
    .await?)
}

fn listing_of(actor: &User) -> Result<Listing, AppError> {
    Ok(match actor.role {
        Role::Customer => Listing::Customer(actor.id),
        Role::Restaurant => Listing::Restaurant(actor.restaurant_id.ok_or(AppError::Forbidden)?),
        Role::Driver => Listing::Driver(actor.id),
        Role::Admin => Listing::Everyone,
    })
}
