//! Moving an order through its lifecycle. A step, its history row, its
//! notifications and its events commit together or not at all; the log
//! tail emits the events after commit. Illegal steps are 409 naming both
//! statuses; a participant without the right is 403; anyone else 404.

use super::notifications::{self, Note};
use super::orders::{as_participant, last_location, load_as_participant, order_rooms};
use super::{dispatch, metrics, Ctx};
use crate::store::events::NewEvent;
use crate::store::{self, orders::Loaded, pg_write, Backend};
use model::error::AppError;
use model::events::{OrderStatusChanged, Payload};
use model::time::rfc3339;
use model::{
    check_step, HistoryEntry, Order, OrderId, OrderStatus, Party, Role, StepRefused, User, UserId,
};

const MAX_REASON_CHARS: usize = 300;

/// Moves an order one step; the answer is built from what was written.
///
/// On SQLite: six statements inline on the one writer, the order read
/// inside the transaction (so the read and the update are one atomic
/// step). On PostgreSQL: the order read from the pool, then one statement
/// (`store::pg_write`) that writes only if the order's version is still
/// the one read: of two concurrent steps, exactly one wins.
pub async fn change_status(
    ctx: &Ctx,
    actor: &User,
    order_id: OrderId,
    to: OrderStatus,
    reason: Option<String>,
) -> Result<Order, AppError> {
    let reason = model::text::optional(reason, "reason", MAX_REASON_CHARS)?;
    let at = ctx.now_ms();
    let mut order = match ctx.db.backend {
        Backend::Sqlite => in_transaction(ctx, actor, order_id, to, reason.as_deref(), at).await?,
        Backend::Postgres => {
            in_one_statement(ctx, actor, order_id, to, reason.as_deref(), at).await?
        }
    };
    let from = order.status;
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

/// What a step writes, decided from the order as read.
struct Decided {
    change: OrderStatusChanged,
    notes: Vec<Note<'static>>,
}

/// Whether `actor` may move `loaded` to `to`, and what the step says.
fn decide(
    actor: &User,
    loaded: &Loaded,
    to: OrderStatus,
    reason: Option<&str>,
) -> Result<Decided, AppError> {
    let order = &loaded.order;
    let from = order.status;
    match check_step(actor.role, from, to) {
        Ok(()) => {}
        Err(StepRefused::Illegal) => return Err(illegal(from, to)),
        Err(StepRefused::NotYourStep) => return Err(AppError::Forbidden),
    }
    if to == OrderStatus::Rejected && reason.is_none() {
        return Err(AppError::invalid("reason", "say why the order is rejected"));
    }
    let change = OrderStatusChanged {
        order_id: order.id,
        restaurant_id: order.restaurant.id,
        restaurant_name: order.restaurant.name.clone(),
        from,
        to,
        reason: reason.map(str::to_owned),
        version: order.version + 1,
    };
    let notes = step_notes(order, &loaded.staff, actor, &change);
    Ok(Decided { change, notes })
}

/// SQLite: the read, the update, the history row, the notifications and
/// the events in one transaction on the writer.
async fn in_transaction(
    ctx: &Ctx,
    actor: &User,
    order_id: OrderId,
    to: OrderStatus,
    reason: Option<&str>,
    at: i64,
) -> Result<Order, AppError> {
    let mut tx = ctx.begin().await?;
    let backend = tx.backend();
    let loaded = as_participant(
        actor,
        store::orders::load_in(&mut tx, backend, order_id).await?,
    )?;
    let Decided { change, notes } = decide(actor, &loaded, to, reason)?;
    let order = loaded.order;
    if !store::orders::set_status(&mut tx, order_id, order.version, to, at).await? {
        tx.rollback().await?;
        return Err(moved_on(ctx, order_id, to).await);
    }
    store::orders::add_history(&mut tx, order_id, to, Some(actor.id), reason, at).await?;
    tx.log(order_rooms(&order), &change)?;
    notifications::record(&mut tx, &notes).await?;
    tx.commit().await?;
    Ok(order)
}

/// PostgreSQL: the read from the pool, then every write in one statement.
async fn in_one_statement(
    ctx: &Ctx,
    actor: &User,
    order_id: OrderId,
    to: OrderStatus,
    reason: Option<&str>,
    at: i64,
) -> Result<Order, AppError> {
    let loaded = load_as_participant(ctx, actor, order_id).await?;
    let Decided { change, notes } = decide(actor, &loaded, to, reason)?;
    let order = loaded.order;
    let payload = serde_json::to_string(&change).map_err(|e| AppError::Internal(e.into()))?;
    let events = [NewEvent {
        kind: OrderStatusChanged::NAME.to_owned(),
        payload,
        at,
        rooms: order_rooms(&order),
    }];
    let notes = notifications::templated(&notes, at)?;
    let started = std::time::Instant::now();
    let step = pg_write::Step {
        order_id,
        version: order.version,
        to,
        by: actor.id,
        reason,
        logged: pg_write::Logged {
            at,
            events: &events,
            notes: &notes,
        },
    };
    let Some(newest) = pg_write::apply(&ctx.db, &step).await? else {
        return Err(moved_on(ctx, order_id, to).await);
    };
    metrics::events_committed(started.elapsed());
    ctx.emitter.committed_here(newest);
    Ok(order)
}

/// Someone else moved the order first: the error says where it stands now.
async fn moved_on(ctx: &Ctx, order_id: OrderId, to: OrderStatus) -> AppError {
    match store::orders::access(&ctx.db, order_id).await {
        Ok(Some(now)) => illegal(now.status, to),
        Ok(None) => AppError::NotFound("order"),
        Err(e) => e.into(),
    }
}

/// Who hears of a step: the customer always; staff when someone else
/// cancelled; the driver when the food is ready or the order is off.
fn step_notes(
    order: &Order,
    staff: &[UserId],
    actor: &User,
    change: &OrderStatusChanged,
) -> Vec<Note<'static>> {
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

/// Said in the words the pages show ("ready for pickup", not `ready`):
/// staff read it on the board after a double tap or a colleague's step.
fn illegal(from: OrderStatus, to: OrderStatus) -> AppError {
    let (now, wanted) = (from.label().to_lowercase(), to.label().to_lowercase());
    AppError::Conflict(if from == to {
        format!("order is already {now}")
    } else {
        format!("order is {now}, so it cannot become {wanted}")
    })
}
