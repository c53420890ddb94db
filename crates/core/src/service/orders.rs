//! Reading orders and who takes part in them; placing them is `placing`
//! (input parsed in `checkout`), the steps of their lifecycle are
//! `order_steps`. Each
//! change, its history row and its events are one transaction; the log
//! tail emits the events after commit.

pub use super::checkout::PlaceOrder;
pub use super::order_lists::{list, recent, RECENT_MS};
pub use super::order_steps::change_status;
pub use super::placing::place;
use super::Ctx;
use crate::store::{self, orders::Loaded};
use model::error::AppError;
use model::rooms::Room;
use model::OrderId;
use model::{Order, Role, User};

/// Every room an order's logged events go to: its customer, its
/// restaurant's staff, its driver, and admins. Everyone who may watch the
/// order (`order:watch`) is in one of these by right, and these are the
/// rooms a replay reads; the order's own room, joined on request, carries
/// only what is never logged (driver positions, typing).
pub fn order_rooms(order: &Order) -> Vec<String> {
    let mut rooms = vec![
        Room::user(order.customer.id),
        Room::restaurant(order.restaurant.id),
        Room::role(Role::Admin),
    ];
    if let Some(driver) = &order.driver {
        rooms.push(Room::user(driver.id));
    }
    rooms
}

/// The order, if `actor` takes part in it (admins take part in all).
pub async fn get(ctx: &Ctx, actor: &User, order_id: OrderId) -> Result<Order, AppError> {
    let mut order = load_as_participant(ctx, actor, order_id).await?.order;
    order.last_location = last_location(ctx, &order).await?;
    Ok(order)
}

/// The stored order, with its driver's last known position.
pub(super) async fn fetch(ctx: &Ctx, order_id: OrderId) -> Result<Order, AppError> {
    let mut order = store::orders::get(&ctx.db, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    order.last_location = last_location(ctx, &order).await?;
    Ok(order)
}

/// Where the order's driver was last seen, if it has one.
pub(super) async fn last_location(
    ctx: &Ctx,
    order: &Order,
) -> Result<Option<model::events::LocationUpdate>, AppError> {
    match &order.driver {
        Some(d) => ctx.fleet.last_update_for(d.id, order.id).await,
        None => Ok(None),
    }
}

/// Whether `actor` takes part in `order` (admins take part in all).
pub fn takes_part(actor: &User, order: &Order) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Customer => order.customer.id == actor.id,
        Role::Restaurant => actor.restaurant_id == Some(order.restaurant.id),
        Role::Driver => order.driver.as_ref().is_some_and(|d| d.id == actor.id),
    }
}

/// The order, in one query, if `actor` takes part in it. An order someone
/// else's is "not found", not "forbidden": its existence is not theirs to learn.
pub(super) async fn load_as_participant(
    ctx: &Ctx,
    actor: &User,
    order_id: OrderId,
) -> Result<Loaded, AppError> {
    as_participant(actor, store::orders::load(&ctx.db, order_id).await?)
}

/// `loaded`, if there is an order and `actor` takes part in it.
pub(super) fn as_participant(actor: &User, loaded: Option<Loaded>) -> Result<Loaded, AppError> {
    match loaded {
        Some(loaded) if takes_part(actor, &loaded.order) => Ok(loaded),
        _ => Err(AppError::NotFound("order")),
    }
}
