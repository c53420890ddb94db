//! Finding a driver for a confirmed order: offers go to the nearest online,
//! free drivers, a few at a time; an unanswered offer expires and the next
//! drivers are asked; the first accept wins (a conditional update).

use super::fleet::Assignment;
use super::Ctx;
use crate::store;
use crate::store::offers::Declined;
use model::error::AppError;
use model::events::Payload;
use model::events::{DeliveryAssigned, DeliveryOffer, OfferWithdrawn};
use model::geo::{distance_m, LatLng};
use model::rooms::Room;
use model::time::rfc3339;
use model::{driver_pay_cents, Order, OrderId, OrderStatus, Party, Role, User, UserId};

/// How long a driver has to accept.
pub const OFFER_TTL_MS: i64 = 30_000;
/// How many drivers are asked at once.
pub const OFFERS_AT_ONCE: usize = 3;
/// A driver who let an offer expire is not asked again for this long (when
/// nobody new is left to ask); one who declined is never asked again.
pub const REOFFER_PAUSE_MS: i64 = 60_000;

pub(super) fn require_driver(actor: &User) -> Result<(), AppError> {
    if actor.role == Role::Driver {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Offers `order_id` to the nearest free drivers not asked yet (or, once
/// everyone was asked, again to those who neither declined it nor let it
/// expire in the last minute). Does nothing when the order has a driver or
/// a live offer already.
pub async fn offer(ctx: &Ctx, order_id: OrderId) -> Result<usize, AppError> {
    match store::orders::get(&ctx.db, order_id).await? {
        Some(order) => offer_order(ctx, &order).await,
        None => Ok(0),
    }
}

/// [`offer`] for an order already read.
pub async fn offer_order(ctx: &Ctx, order: &Order) -> Result<usize, AppError> {
    let now = ctx.now_ms();
    let order_id = order.id;
    if !order.status.awaits_driver() || order.driver.is_some() {
        return Ok(0);
    }
    // Nobody online: nothing to read from the database either.
    let online = ctx.fleet.available().await?;
    if online.is_empty() || store::offers::has_pending(&ctx.db, order_id, now).await? {
        return Ok(0);
    }
    let pickup = LatLng {
        lat: order.pickup.lat,
        lng: order.pickup.lng,
    };
    let busy = store::orders::busy_drivers(&ctx.db).await?;
    let mut free: Vec<(UserId, f64)> = online
        .into_iter()
        .filter(|(id, _)| !busy.contains(id))
        .map(|(id, at)| (id, distance_m(at, pickup)))
        .collect();
    free.sort_by(|a, b| a.1.total_cmp(&b.1));
    let asked = store::offers::asked(&ctx.db, order_id, now - REOFFER_PAUSE_MS).await?;
    free.retain(|(id, _)| !asked.declined.contains(id));
    let fresh: Vec<(UserId, f64)> = free
        .iter()
        .copied()
        .filter(|(id, _)| !asked.all.contains(id))
        .collect();
    free.retain(|(id, _)| !asked.lapsed.contains(id));
    let chosen: Vec<(UserId, f64)> = if fresh.is_empty() { free } else { fresh }
        .into_iter()
        .take(OFFERS_AT_ONCE)
        .collect();
    if chosen.is_empty() {
        return Ok(0);
    }
    let expires_at = now + OFFER_TTL_MS;
    let trip = trip_m(order);
    let mut tx = ctx.begin().await?;
    for (driver_id, to_pickup) in &chosen {
        store::offers::insert(&mut tx, order_id, *driver_id, trip, now, expires_at).await?;
        let payload = DeliveryOffer {
            order_id,
            restaurant_name: order.restaurant.name.clone(),
            pickup: order.pickup.clone(),
            dropoff: order.dropoff.clone(),
            pickup_distance_m: Some(to_pickup.round() as i64),
            distance_m: trip,
            pay_cents: driver_pay_cents(trip),
            expires_at: rfc3339(expires_at),
        };
        tx.log(vec![Room::user(*driver_id)], &payload)?;
    }
    tx.commit().await?;
    tracing::info!(
        order_id = order_id.0,
        drivers = chosen.len(),
        "delivery offered"
    );
    Ok(chosen.len())
}

/// The driver takes the delivery, if nobody did first. One read, then one
/// transaction: the conditional assignment (the offer still pending, the
/// driver on no other delivery), the offers settled, the customer's
/// notification and the events.
pub async fn accept(ctx: &Ctx, driver: &User, order_id: OrderId) -> Result<Order, AppError> {
    require_driver(driver)?;
    let now = ctx.now_ms();
    let Some(mut order) = store::orders::get(&ctx.db, order_id).await? else {
        return Err(AppError::NotFound("offer"));
    };
    let mut tx = ctx.begin().await?;
    let pay = driver_pay_cents(trip_m(&order));
    let assigned = match store::orders::assign_driver(&mut tx, order_id, driver.id, pay, now).await
    {
        Ok(assigned) => assigned,
        // Another accept of this driver committed first (the unique index
        // on active deliveries): refused like any lost race.
        Err(e) if store::is_unique_violation(&e) => false,
        Err(e) => return Err(e.into()),
    };
    if !assigned {
        tx.rollback().await?;
        return match store::orders::get(&ctx.db, order_id).await? {
            // Theirs already: Accept in a second tab, or a retry whose
            // first answer was lost. The delivery is what they asked for.
            Some(mut theirs)
                if theirs.driver.as_ref().is_some_and(|d| d.id == driver.id)
                    && theirs.status.holds_driver() =>
            {
                theirs.last_location = ctx.fleet.last_update_for(driver.id, order_id).await?;
                Ok(theirs)
            }
            latest => Err(refusal(ctx, driver, &order, latest.as_ref(), now).await?),
        };
    }
    let withdrawn = store::offers::settle(&mut tx, order_id, Some(driver.id)).await?;
    order.driver = Some(Party {
        id: driver.id,
        name: driver.name.clone(),
    });
    order.version += 1;
    order.updated_at = rfc3339(now);
    let assigned = DeliveryAssigned {
        order_id,
        driver: Party {
            id: driver.id,
            name: driver.name.clone(),
        },
    };
    tx.log(super::orders::order_rooms(&order), &assigned)?;
    for other in withdrawn {
        let payload = OfferWithdrawn {
            order_id,
            reason: "taken".into(),
        };
        tx.log(vec![Room::user(other)], &payload)?;
    }
    super::notifications::record(
        &mut tx,
        &[super::notifications::Note {
            recipients: vec![order.customer.id],
            kind: DeliveryAssigned::NAME,
            title: format!("Order #{order_id} · {}", order.restaurant.name),
            body: format!("{} will bring your order", driver.name),
            order_id: Some(order_id),
        }],
    )
    .await?;
    tx.commit().await?;
    if let Err(e) = ctx.fleet.assign(driver.id, job_of(&order)).await {
        tracing::warn!(error = %e, order_id = order_id.0, "delivery cache not updated; locations reach watchers once it is");
    }
    tracing::info!(
        order_id = order_id.0,
        driver_id = driver.id.0,
        "delivery assigned"
    );
    order.last_location = ctx.fleet.last_update_for(driver.id, order_id).await?;
    Ok(order)
}

/// Why an accept lost: read only when it did. `latest` is the order as
/// read after the loss.
async fn refusal(
    ctx: &Ctx,
    driver: &User,
    order: &Order,
    latest: Option<&Order>,
    now: i64,
) -> Result<AppError, AppError> {
    if let Some((current, _)) = store::orders::active_for_driver(&ctx.db, driver.id).await? {
        if current != order.id {
            return Ok(AppError::Conflict(format!(
                "you are already delivering order #{current}"
            )));
        }
    }
    if !store::offers::is_pending(&ctx.db, order.id, driver.id, now).await? {
        let taken = latest.is_some_and(|o| o.driver.is_some());
        return Ok(if taken || order.driver.is_some() {
            AppError::Taken
        } else {
            AppError::Conflict("this offer has expired".into())
        });
    }
    Ok(AppError::Taken)
}

/// The driver turns an offer down: it never comes back to them, and the
/// next drivers are asked at once (when nobody else holds a live offer).
pub async fn decline(ctx: &Ctx, driver: &User, order_id: OrderId) -> Result<(), AppError> {
    require_driver(driver)?;
    let now = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    match store::offers::decline(&mut tx, order_id, driver.id, now).await? {
        Declined::Now => {}
        // A double tap or a retry: done already, and nothing to tell anyone.
        Declined::Already => {
            tx.rollback().await?;
            return Ok(());
        }
        Declined::NotOpen => {
            tx.rollback().await?;
            return Err(AppError::Conflict(
                "this offer is no longer open: taken or expired".into(),
            ));
        }
    }
    // The driver's other devices drop the card too.
    let payload = OfferWithdrawn {
        order_id,
        reason: "declined".into(),
    };
    tx.log(vec![Room::user(driver.id)], &payload)?;
    tx.commit().await?;
    tracing::info!(
        order_id = order_id.0,
        driver_id = driver.id.0,
        "offer declined"
    );
    if let Err(e) = offer(ctx, order_id).await {
        tracing::warn!(error = %e, order_id = order_id.0, "not re-offered after a decline; the sweep will");
    }
    Ok(())
}

/// From the restaurant to the customer, in metres.
fn trip_m(order: &Order) -> i64 {
    let point = |p: &model::Place| LatLng {
        lat: p.lat,
        lng: p.lng,
    };
    distance_m(point(&order.pickup), point(&order.dropoff)).round() as i64
}

/// Closes an order's open offers when it ends or is taken off dispatch.
pub async fn withdraw(ctx: &Ctx, order_id: OrderId, reason: &str) -> Result<(), AppError> {
    // On PostgreSQL a transaction is three round trips; most orders end
    // with no offer out, and one read (of offers due or not) says so.
    // (SQLite's inline writer makes the empty transaction the cheaper.)
    if ctx.db.backend == crate::store::Backend::Postgres
        && !store::offers::has_pending(&ctx.db, order_id, i64::MIN).await?
    {
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    for driver in store::offers::settle(&mut tx, order_id, None).await? {
        let payload = OfferWithdrawn {
            order_id,
            reason: reason.to_owned(),
        };
        tx.log(vec![Room::user(driver)], &payload)?;
    }
    tx.commit().await
}

/// Runs every few seconds: expires overdue offers (telling their drivers)
/// and offers every waiting order to the next drivers.
pub async fn sweep(ctx: &Ctx) -> Result<(), AppError> {
    let now = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    for (order_id, driver) in store::offers::expire_overdue(&mut tx, now).await? {
        let payload = OfferWithdrawn {
            order_id,
            reason: "expired".into(),
        };
        tx.log(vec![Room::user(driver)], &payload)?;
    }
    tx.commit().await?;
    if ctx.fleet.available().await?.is_empty() {
        return Ok(());
    }
    for order_id in store::offers::orders_needing_drivers(&ctx.db, now).await? {
        offer(ctx, order_id).await?;
    }
    Ok(())
}

/// The driver's live offers, nearest expiry first.
pub async fn offers_for(ctx: &Ctx, driver: &User) -> Result<Vec<DeliveryOffer>, AppError> {
    require_driver(driver)?;
    let here = ctx.fleet.position(driver.id).await?.map(|f| f.point);
    let mut list = Vec::new();
    for pending in store::offers::pending_for_driver(&ctx.db, driver.id, ctx.now_ms()).await? {
        let Some(order) = store::orders::get(&ctx.db, pending.order_id).await? else {
            continue;
        };
        let pickup = LatLng {
            lat: order.pickup.lat,
            lng: order.pickup.lng,
        };
        list.push(DeliveryOffer {
            order_id: order.id,
            restaurant_name: order.restaurant.name,
            pickup: order.pickup,
            dropoff: order.dropoff,
            pickup_distance_m: here.map(|h| distance_m(h, pickup).round() as i64),
            distance_m: pending.distance_m,
            pay_cents: driver_pay_cents(pending.distance_m),
            expires_at: rfc3339(pending.expires_at),
        });
    }
    Ok(list)
}

/// Rebuilds the in-memory delivery cache from the database at startup.
pub async fn restore_assignments(ctx: &Ctx) -> Result<(), AppError> {
    for driver in store::orders::busy_drivers(&ctx.db).await? {
        let Some((order_id, _)) = store::orders::active_for_driver(&ctx.db, driver).await? else {
            continue;
        };
        let Some(order) = store::orders::get(&ctx.db, order_id).await? else {
            continue;
        };
        ctx.fleet.assign(driver, job_of(&order)).await?;
    }
    Ok(())
}

/// The delivery an order is for its driver: where to pick up, where to go.
fn job_of(order: &model::Order) -> Assignment {
    Assignment {
        order_id: order.id,
        pickup: LatLng {
            lat: order.pickup.lat,
            lng: order.pickup.lng,
        },
        dropoff: LatLng {
            lat: order.dropoff.lat,
            lng: order.dropoff.lng,
        },
        picked_up: order.status == OrderStatus::OutForDelivery,
    }
}
