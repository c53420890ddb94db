//! Delivery offers to drivers.

use super::write::{Columns, Query, WriteConn};

use super::Db;
use model::{OrderId, UserId};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingOffer {
    pub order_id: OrderId,
    pub distance_m: i64,
    pub expires_at: i64,
}

pub async fn insert(
    tx: &mut WriteConn,
    order: OrderId,
    driver: UserId,
    distance_m: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    Query::new(
        "INSERT INTO delivery_offers (order_id, driver_id, status, distance_m, created_at, expires_at) \
         VALUES ($1, $2, 'pending', $3, $4, $5)",
    )
    .bind(order)
    .bind(driver)
    .bind(distance_m)
    .bind(now)
    .bind(expires_at)
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn pending_for_driver(
    db: &Db,
    driver_id: UserId,
    now: i64,
) -> Result<Vec<PendingOffer>, sqlx::Error> {
    sqlx::query_as(
        "SELECT order_id, distance_m, expires_at FROM delivery_offers \
         WHERE driver_id = $1 AND status = 'pending' AND expires_at > $2 ORDER BY expires_at",
    )
    .bind(driver_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Whether `driver_id` holds a live offer for `order_id`.
pub async fn is_pending(
    db: &Db,
    order_id: OrderId,
    driver_id: UserId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM delivery_offers \
         WHERE order_id = $1 AND driver_id = $2 AND status = 'pending' AND expires_at > $3",
    )
    .bind(order_id)
    .bind(driver_id)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// Who was asked to take an order before, and how it went.
#[derive(Clone, Debug, Default)]
pub struct Asked {
    /// Every driver ever offered it.
    pub all: Vec<UserId>,
    /// Those who declined it: never asked again.
    pub declined: Vec<UserId>,
    /// Those whose offer expired since the time given: not asked again yet.
    pub lapsed: Vec<UserId>,
}

/// Who was offered `order_id`; `lapsed_since` (ms) bounds [`Asked::lapsed`].
pub async fn asked(db: &Db, order_id: OrderId, lapsed_since: i64) -> Result<Asked, sqlx::Error> {
    let rows: Vec<(UserId, String, i64)> = sqlx::query_as(
        "SELECT driver_id, status, expires_at FROM delivery_offers WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    let mut asked = Asked::default();
    for (driver, status, expires_at) in rows {
        asked.all.push(driver);
        match status.as_str() {
            "declined" => asked.declined.push(driver),
            "expired" if expires_at > lapsed_since => asked.lapsed.push(driver),
            _ => {}
        }
    }
    Ok(asked)
}

/// The driver turns their live offer down, inside `tx`: `false` when they
/// hold no live offer for the order (taken, expired, declined already).
/// How a decline went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declined {
    /// The driver's open offer is declined now.
    Now,
    /// It was declined before (a double tap, a retried request).
    Already,
    /// There was no open offer to decline: taken, expired or never made.
    NotOpen,
}

pub async fn decline(
    tx: &mut WriteConn,
    order_id: OrderId,
    driver_id: UserId,
    now: i64,
) -> Result<Declined, sqlx::Error> {
    let done = Query::new(
        "UPDATE delivery_offers SET status = 'declined' \
         WHERE order_id = $1 AND driver_id = $2 AND status = 'pending' AND expires_at > $3",
    )
    .bind(order_id)
    .bind(driver_id)
    .bind(now)
    .execute(tx)
    .await?;
    if done > 0 {
        return Ok(Declined::Now);
    }
    let before = Query::new(
        "SELECT order_id FROM delivery_offers \
         WHERE order_id = $1 AND driver_id = $2 AND status = 'declined'",
    )
    .bind(order_id)
    .bind(driver_id)
    .fetch_optional(tx)
    .await?;
    Ok(if before.is_some() {
        Declined::Already
    } else {
        Declined::NotOpen
    })
}

/// Whether an offer of `order_id` still waits for an answer and is due
/// after `now` (`i64::MIN`: due or not).
pub async fn has_pending(db: &Db, order_id: OrderId, now: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM delivery_offers WHERE order_id = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(order_id)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// Marks overdue offers expired; returns (order, driver) of each.
/// At most 500 at a time: each becomes an event, and one transaction logs
/// at most `events::MAX_PER_TRANSACTION`; the next sweep takes the rest.
pub async fn expire_overdue(
    tx: &mut WriteConn,
    now: i64,
) -> Result<Vec<(OrderId, UserId)>, sqlx::Error> {
    Query::new(
        "UPDATE delivery_offers SET status = 'expired' WHERE id IN (SELECT id FROM delivery_offers \
         WHERE status = 'pending' AND expires_at <= $1 ORDER BY id LIMIT 500) \
         RETURNING order_id, driver_id",
    )
    .bind(now)
    .fetch_all(tx)
    .await?
    .iter()
    .map(|r| Ok((OrderId(r.i64("order_id")?), UserId(r.i64("driver_id")?))))
    .collect()
}

/// Closes the pending offers of an order (accepted by `winner`, withdrawn for
/// everyone else); returns the drivers whose offer was withdrawn.
pub async fn settle(
    tx: &mut WriteConn,
    order_id: OrderId,
    winner: Option<UserId>,
) -> Result<Vec<UserId>, sqlx::Error> {
    // One statement: the winner's offer accepted, every other withdrawn.
    let rows = Query::new(
        "UPDATE delivery_offers SET status = CASE WHEN driver_id = $2 THEN 'accepted' ELSE 'withdrawn' END \
         WHERE order_id = $1 AND status = 'pending' RETURNING driver_id, status",
    )
    .bind(order_id)
    .bind(winner.unwrap_or(UserId(-1)))
    .fetch_all(tx)
    .await?;
    let mut withdrawn = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.string("status")? == "withdrawn" {
            withdrawn.push(UserId(row.i64("driver_id")?));
        }
    }
    Ok(withdrawn)
}

/// Active orders with no driver and no live offer: they need dispatching.
pub async fn orders_needing_drivers(db: &Db, now: i64) -> Result<Vec<OrderId>, sqlx::Error> {
    let sql = format!(
        "SELECT o.id FROM orders o WHERE o.driver_id IS NULL AND o.status IN ({}) \
         AND NOT EXISTS (SELECT 1 FROM delivery_offers d WHERE d.order_id = o.id AND d.status = 'pending' AND d.expires_at > $1) \
         ORDER BY o.id",
        super::statuses(model::OrderStatus::awaits_driver)
    );
    sqlx::query_scalar(&sql).bind(now).fetch_all(&db.pool).await
}
