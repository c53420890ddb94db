//! Placing an order (its input parsed in `checkout`): the order, its
//! lines, its first history row, the staff's notes and the events commit
//! together or not at all. A retry with an idempotency key already used
//! answers with the order that key made.
//!
//! On SQLite: one transaction inline on the one writer. On PostgreSQL:
//! the order's id taken from its sequence, then one statement with the
//! checkouts queued beside it (`store::pg_write::place`), so no
//! transaction id stays open across round trips to hold back the log's
//! horizon (see `store::events`).

use super::checkout::PlaceOrder;
use super::notifications::{self, Note};
use super::orders::fetch;
use super::{metrics, Ctx};
use crate::store::events::NewEvent;
use crate::store::{self, orders::NewLine, orders::NewOrder, pg_write, Backend};
use model::error::AppError;
use model::events::{OrderCreated, Payload};
use model::rooms::Room;
use model::time::rfc3339;
use model::{
    HistoryEntry, Order, OrderId, OrderLine, OrderStatus, OrderSummary, Party, Place, Restaurant,
    Role, User, UserId, DELIVERY_FEE_CENTS,
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
    let placed = |id| placed(id, actor, &restaurant, &new, at);
    let written = match ctx.db.backend {
        Backend::Sqlite => in_transaction(ctx, &new, &staff, at, placed).await?,
        Backend::Postgres => in_one_statement(ctx, &new, &staff, at, placed).await?,
    };
    let Some(placed) = written else {
        return retried(ctx, actor, &order).await;
    };
    tracing::info!(
        order_id = placed.id.0,
        restaurant_id = restaurant.id.0,
        "order placed"
    );
    Ok(placed)
}

/// SQLite: the inserts, the notes and the events in one transaction;
/// `None` when the idempotency key was used already.
async fn in_transaction(
    ctx: &Ctx,
    new: &NewOrder<'_>,
    staff: &[UserId],
    at: i64,
    placed: impl FnOnce(OrderId) -> Order,
) -> Result<Option<Order>, AppError> {
    let mut tx = ctx.begin().await?;
    let Some(id) = store::orders::insert(&mut tx, new, at).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let placed = placed(id);
    let (rooms, created, note) = announced(&placed, staff);
    tx.log(rooms, &created)?;
    notifications::record(&mut tx, &[note]).await?;
    tx.commit().await?;
    Ok(Some(placed))
}

/// PostgreSQL: an id from the sequence, then every write in one statement;
/// `None` when the idempotency key was used already (nothing written).
async fn in_one_statement(
    ctx: &Ctx,
    new: &NewOrder<'_>,
    staff: &[UserId],
    at: i64,
    placed: impl FnOnce(OrderId) -> Order,
) -> Result<Option<Order>, AppError> {
    let placed = placed(pg_write::reserve_order_id(&ctx.db).await?);
    let (rooms, created, note) = announced(&placed, staff);
    let events = [NewEvent {
        kind: OrderCreated::NAME.to_owned(),
        payload: serde_json::to_string(&created).map_err(|e| AppError::Internal(e.into()))?,
        at,
        rooms,
    }];
    let notes = [note];
    let notes = notifications::templated(&notes, at)?;
    let logged = pg_write::Logged {
        at,
        events: &events,
        notes: &notes,
    };
    let started = std::time::Instant::now();
    let Some(newest) = pg_write::place(&ctx.db, placed.id, new, &logged).await? else {
        return Ok(None);
    };
    metrics::events_committed(started.elapsed());
    ctx.emitter.committed_here(newest);
    Ok(Some(placed))
}

/// A retry with a key already used: the order it made, if this checkout
/// asks for the same.
async fn retried(ctx: &Ctx, actor: &User, order: &PlaceOrder) -> Result<Order, AppError> {
    let key = order.idempotency_key.as_deref().unwrap_or_default();
    let id = store::orders::id_by_idempotency_key(&ctx.db, actor.id, key)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let earlier = fetch(ctx, id).await?;
    // The same key for another order is a client bug, not a retry.
    if !order.same_as(&earlier) {
        return Err(AppError::IdempotencyKeyReused);
    }
    Ok(earlier)
}

/// The order as placed, built from what is written.
fn placed(
    id: OrderId,
    actor: &User,
    restaurant: &Restaurant,
    new: &NewOrder<'_>,
    at: i64,
) -> Order {
    let party = Party {
        id: actor.id,
        name: actor.name.clone(),
    };
    Order {
        id,
        status: OrderStatus::Placed,
        customer: party.clone(),
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
        items: new
            .lines
            .iter()
            .map(|l| OrderLine {
                menu_item_id: l.menu_item_id,
                name: l.name.clone(),
                unit_price_cents: l.unit_price_cents,
                quantity: l.quantity,
                line_total_cents: l.unit_price_cents * l.quantity,
            })
            .collect(),
        subtotal_cents: new.subtotal_cents,
        delivery_fee_cents: new.delivery_fee_cents,
        total_cents: new.subtotal_cents + new.delivery_fee_cents,
        dropoff: new.dropoff.clone(),
        note: new.note.map(str::to_owned),
        history: vec![HistoryEntry {
            status: OrderStatus::Placed,
            at: rfc3339(at),
            by: Some(party),
            reason: None,
        }],
        created_at: rfc3339(at),
        updated_at: rfc3339(at),
        version: 0,
        last_location: None,
    }
}

/// The `order:created` event with its rooms, and the staff's note.
fn announced(placed: &Order, staff: &[UserId]) -> (Vec<String>, OrderCreated, Note<'static>) {
    let id = placed.id;
    let summary = OrderSummary::of(placed);
    let body = format!(
        "{} · {}",
        summary.items,
        model::format_cents(summary.total_cents)
    );
    let rooms = vec![
        Room::restaurant(placed.restaurant.id),
        Room::user(placed.customer.id),
        Room::role(Role::Admin),
    ];
    let note = Note {
        recipients: staff.to_vec(),
        kind: OrderCreated::NAME,
        title: format!("New order #{id}"),
        body,
        order_id: Some(id),
    };
    (
        rooms,
        OrderCreated {
            order_id: id,
            order: summary,
        },
        note,
    )
}
