//! Placing orders (parsed in `checkout`), reading them, and who takes
//! part in them; the steps of their lifecycle are `order_steps`. Each
//! change, its history row and its events are one transaction; the log
//! tail emits the events after commit.

pub use super::checkout::PlaceOrder;
use super::notifications::{self, Note};
pub use super::order_lists::{list, recent, RECENT_MS};
pub use super::order_steps::change_status;
use super::Ctx;
use crate::store::{self, orders::Loaded, orders::NewLine, orders::NewOrder};
use model::error::AppError;
use model::events::OrderCreated;
use model::events::Payload;
use model::rooms::Room;
use model::time::rfc3339;
use model::OrderId;
use model::{
    HistoryEntry, Order, OrderLine, OrderStatus, OrderSummary, Party, Place, Role, User,
    DELIVERY_FEE_CENTS,
};

pub async fn place(ctx: &Ctx, actor: &User, order: PlaceOrder) -> Result<Order, AppError> {
    if actor.role != Role::Customer {
        return Err(AppError::Forbidden);
    }
    if let Some(limit) = &ctx.limits.orders_per_customer {
        let message = format!("too many orders: at most {} a minute", limit.max());
        limit.check(&actor.id.to_string(), &message).await?;
    }
    let (restaurant, menu, staff) = store::restaurants::for_checkout(&ctx.db, order.restaurant_id)
        .await?
        .ok_or_else(|| AppError::invalid("restaurantId", "no such restaurant"))?;
    if !restaurant.open {
        return Err(AppError::Conflict(format!(
            "{} is closed right now",
            restaurant.name
        )));
    }
    model::address::within_reach(&restaurant, &order.dropoff)?;
    let mut lines = Vec::with_capacity(order.lines.len());
    for (i, line) in order.lines.iter().enumerate() {
        let field = format!("items[{i}].menuItemId");
        let item = menu
            .iter()
            .find(|m| m.id == line.menu_item_id)
            .ok_or_else(|| AppError::invalid(&field, "is not on this restaurant's menu"))?;
        if !item.available {
            return Err(AppError::invalid(
                &field,
                format!("{} is not available right now", item.name),
            ));
        }
        lines.push(NewLine {
            menu_item_id: item.id,
            name: item.name.clone(),
            unit_price_cents: item.price_cents,
            quantity: line.quantity,
        });
    }
    let subtotal_cents = lines.iter().map(|l| l.unit_price_cents * l.quantity).sum();
    let new = NewOrder {
        customer_id: actor.id,
        restaurant_id: restaurant.id,
        subtotal_cents,
        delivery_fee_cents: DELIVERY_FEE_CENTS,
        dropoff: &order.dropoff,
        note: order.note.as_deref(),
        idempotency_key: order.idempotency_key.as_deref(),
        lines: &lines,
    };
    let at = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(id) = store::orders::insert(&mut tx, &new, at).await? else {
        // A retry with a key already used: answer with the order it made.
        tx.rollback().await?;
        let key = order.idempotency_key.as_deref().unwrap_or_default();
        let id = store::orders::id_by_idempotency_key(&ctx.db, actor.id, key)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let earlier = fetch(ctx, id).await?;
        // The same key for another order is a client bug, not a retry.
        if !order.same_as(&earlier) {
            return Err(AppError::IdempotencyKeyReused);
        }
        return Ok(earlier);
    };
    let placed = Order {
        id,
        status: OrderStatus::Placed,
        customer: Party {
            id: actor.id,
            name: actor.name.clone(),
        },
        restaurant: Party {
            id: restaurant.id,
            name: restaurant.name.clone(),
        },
        pickup: Place {
            address: restaurant.address.clone(),
            lat: restaurant.lat,
            lng: restaurant.lng,
        },
        driver: None,
        items: lines
            .iter()
            .map(|l| OrderLine {
                menu_item_id: l.menu_item_id,
                name: l.name.clone(),
                unit_price_cents: l.unit_price_cents,
                quantity: l.quantity,
                line_total_cents: l.unit_price_cents * l.quantity,
            })
            .collect(),
        subtotal_cents,
        delivery_fee_cents: DELIVERY_FEE_CENTS,
        total_cents: subtotal_cents + DELIVERY_FEE_CENTS,
        dropoff: order.dropoff.clone(),
        note: order.note.clone(),
        history: vec![HistoryEntry {
            status: OrderStatus::Placed,
            at: rfc3339(at),
            by: Some(Party {
                id: actor.id,
                name: actor.name.clone(),
            }),
            reason: None,
        }],
        created_at: rfc3339(at),
        updated_at: rfc3339(at),
        version: 0,
        last_location: None,
    };
    let summary = OrderSummary::of(&placed);
    let body = format!(
        "{} · {}",
        summary.items,
        model::format_cents(summary.total_cents)
    );
    let rooms = vec![
        Room::order(id),
        Room::restaurant(restaurant.id),
        Room::user(actor.id),
        Room::role(Role::Admin),
    ];
    tx.log(
        rooms,
        &OrderCreated {
            order_id: id,
            order: summary,
        },
    )?;
    notifications::record(
        &mut tx,
        &[Note {
            recipients: staff,
            kind: OrderCreated::NAME,
            title: format!("New order #{id}"),
            body,
            order_id: Some(id),
        }],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        order_id = id.0,
        restaurant_id = restaurant.id.0,
        "order placed"
    );
    Ok(placed)
}

/// Every room an order's events go to: its watchers, its customer, its
/// restaurant's staff, its driver, and admins.
pub fn order_rooms(order: &Order) -> Vec<String> {
    let mut rooms = vec![
        Room::order(order.id),
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
async fn fetch(ctx: &Ctx, order_id: OrderId) -> Result<Order, AppError> {
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
