//! Placing orders (parsed in `checkout`) and moving them through the
//! lifecycle. Each change, its history row and its events are one
//! transaction; the log tail emits the events after commit.

pub use super::checkout::PlaceOrder;
use super::notifications::{self, Note};
pub use super::order_lists::{list, recent, RECENT_MS};
use super::{dispatch, Ctx};
use crate::store::{self, orders::Loaded, orders::NewLine, orders::NewOrder};
use model::error::AppError;
use model::events::Payload;
use model::events::{OrderCreated, OrderStatusChanged};
use model::rooms::Room;
use model::time::rfc3339;
use model::OrderId;
use model::{
    check_step, HistoryEntry, Order, OrderLine, OrderStatus, OrderSummary, Party, Place, Role,
    StepRefused, User, UserId, DELIVERY_FEE_CENTS,
};

const MAX_REASON_CHARS: usize = 300;

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

/// Moves an order one step. Illegal steps are 409 naming both statuses;
/// a participant without the right is 403; anyone else 404. Five
/// statements in one transaction: the order (with its staff) read once,
/// the conditional update, its history row, the notifications and the
/// events. The answer is built from what was written.
pub async fn change_status(
    ctx: &Ctx,
    actor: &User,
    order_id: OrderId,
    to: OrderStatus,
    reason: Option<String>,
) -> Result<Order, AppError> {
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
    {
        return Err(AppError::invalid(
            "reason",
            format!("must be at most {MAX_REASON_CHARS} characters"),
        ));
    }
    let mut tx = ctx.begin().await?;
    // Read inside the transaction, on its own connection: on SQLite one
    // writer makes the read and the update one atomic step.
    let backend = tx.backend();
    let Loaded { mut order, staff } =
        match store::orders::load_in(&mut tx, backend, order_id).await? {
            Some(loaded) if takes_part(actor, &loaded.order) => loaded,
            _ => return Err(AppError::NotFound("order")),
        };
    let from = order.status;
    match check_step(actor.role, from, to) {
        Ok(()) => {}
        Err(StepRefused::Illegal) => return Err(illegal(from, to)),
        Err(StepRefused::NotYourStep) => return Err(AppError::Forbidden),
    }
    if to == OrderStatus::Rejected && reason.is_none() {
        return Err(AppError::invalid("reason", "say why the order is rejected"));
    }
    let at = ctx.now_ms();
    if !store::orders::set_status(&mut tx, order_id, order.version, to, at).await? {
        tx.rollback().await?;
        // Someone else moved it first: report where it stands now.
        let now = store::orders::access(&ctx.db, order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        return Err(illegal(now.status, to));
    }
    store::orders::add_history(&mut tx, order_id, to, Some(actor.id), reason.as_deref(), at)
        .await?;
    let change = OrderStatusChanged {
        order_id,
        restaurant_id: order.restaurant.id,
        restaurant_name: order.restaurant.name.clone(),
        from,
        to,
        reason: reason.clone(),
        version: order.version + 1,
    };
    tx.log(order_rooms(&order), &change)?;
    notifications::record(&mut tx, &step_notes(&order, &staff, actor, &change)).await?;
    tx.commit().await?;
    tracing::info!(
        order_id = order_id.0,
        %from,
        %to,
        by = actor.id.0,
        "order status changed"
    );
    order.status = to;
    order.version += 1;
    order.updated_at = rfc3339(at);
    order.history.push(HistoryEntry {
        status: to,
        at: rfc3339(at),
        by: Some(Party {
            id: actor.id,
            name: actor.name.clone(),
        }),
        reason,
    });
    after_step(ctx, &order, to).await;
    order.last_location = last_location(ctx, &order).await?;
    Ok(order)
}

/// Who hears of a step: the customer always; staff when someone else
/// cancelled; the driver when the food is ready or the order is off.
fn step_notes<'a>(
    order: &Order,
    staff: &[UserId],
    actor: &User,
    change: &OrderStatusChanged,
) -> Vec<Note<'a>> {
    let title = format!("Order #{} · {}", change.order_id, change.restaurant_name);
    let with_reason = |body: String| match &change.reason {
        Some(reason) => format!("{body} ({reason})"),
        None => body,
    };
    let mut others = Vec::new();
    if change.to == OrderStatus::Cancelled && actor.role != Role::Restaurant {
        others.extend_from_slice(staff);
    }
    if let (Some(driver), OrderStatus::Ready | OrderStatus::Cancelled) = (&order.driver, change.to)
    {
        others.push(driver.id);
    }
    others.retain(|id| *id != actor.id && *id != order.customer.id);
    vec![
        Note {
            recipients: vec![order.customer.id],
            kind: OrderStatusChanged::NAME,
            title: title.clone(),
            body: with_reason(change.to.customer_message().to_owned()),
            order_id: Some(change.order_id),
        },
        Note {
            recipients: others,
            kind: OrderStatusChanged::NAME,
            title,
            body: with_reason(format!("{} → {}", change.from.label(), change.to.label())),
            order_id: Some(change.order_id),
        },
    ]
}

/// What follows a committed step: finding a driver once the kitchen takes
/// the order, and keeping the fleet's view of deliveries current.
async fn after_step(ctx: &Ctx, order: &Order, to: OrderStatus) {
    let driver = order.driver.as_ref().map(|d| d.id);
    let result = match to {
        OrderStatus::Confirmed => dispatch::offer_order(ctx, order).await.map(|_| ()),
        OrderStatus::OutForDelivery => match driver {
            Some(driver) => ctx.fleet.picked_up(driver).await,
            None => Ok(()),
        },
        OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Rejected => {
            if let Some(driver) = driver {
                if let Err(e) = ctx.fleet.finish(driver).await {
                    tracing::warn!(error = %e, driver = driver.0, "could not clear the driver's delivery");
                }
            }
            dispatch::withdraw(ctx, order.id, "cancelled").await
        }
        OrderStatus::Placed | OrderStatus::Preparing | OrderStatus::Ready => Ok(()),
    };
    if let Err(e) = result {
        // The step itself is committed; the sweeper retries dispatch.
        tracing::warn!(error = %e, order_id = order.id.0, "follow-up of a status change failed");
    }
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

fn illegal(from: OrderStatus, to: OrderStatus) -> AppError {
    AppError::Conflict(format!("order is {from}, cannot become {to}"))
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
async fn last_location(
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
async fn load_as_participant(
    ctx: &Ctx,
    actor: &User,
    order_id: OrderId,
) -> Result<Loaded, AppError> {
    match store::orders::load(&ctx.db, order_id).await? {
        Some(loaded) if takes_part(actor, &loaded.order) => Ok(loaded),
        _ => Err(AppError::NotFound("order")),
    }
}
