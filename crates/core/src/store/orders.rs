//! Orders, their lines and their history.

use super::write::{Columns, Query, WriteConn};

pub use super::order_detail::{get, load, load_in, Loaded};
pub use super::order_lists::{list, Filter, Listing};
use super::Db;
use model::time::rfc3339;
use model::{Delivered, MenuItemId, OrderId, OrderStatus, Place, RestaurantId, UserId};

pub struct NewLine {
    pub menu_item_id: MenuItemId,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
}

pub struct NewOrder<'a> {
    pub customer_id: UserId,
    pub restaurant_id: RestaurantId,
    pub subtotal_cents: i64,
    pub delivery_fee_cents: i64,
    pub dropoff: &'a Place,
    pub note: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub lines: &'a [NewLine],
}

/// Who takes part in an order and where it stands: what permission checks need.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderAccess {
    pub id: OrderId,
    pub customer_id: UserId,
    pub restaurant_id: RestaurantId,
    pub driver_id: Option<UserId>,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    pub version: i64,
    /// When the order last changed (ms): for a final order, when it ended.
    pub updated_at: i64,
}

pub(super) fn parse_status(raw: &str) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::parse(raw)
        .ok_or_else(|| sqlx::Error::Decode(format!("order status {raw:?}").into()))
}

/// Inserts a placed order with its lines (and, by SQLite's trigger, its
/// first history row) inside a SQLite write transaction; PostgreSQL places
/// orders many to a statement (`store::pg_write::place`). `None` when the
/// customer already used this idempotency key.
pub async fn insert(
    tx: &mut WriteConn,
    o: &NewOrder<'_>,
    at: i64,
) -> Result<Option<OrderId>, sqlx::Error> {
    let inserted = Query::new(
        "INSERT INTO orders (customer_id, restaurant_id, status, subtotal_cents, delivery_fee_cents, \
         total_cents, dropoff_address, dropoff_lat, dropoff_lng, note, idempotency_key, version, \
         created_at, updated_at) \
         VALUES ($1, $2, 'placed', $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11) RETURNING id",
    )
    .bind(o.customer_id)
    .bind(o.restaurant_id)
    .bind(o.subtotal_cents)
    .bind(o.delivery_fee_cents)
    .bind(o.subtotal_cents + o.delivery_fee_cents)
    .bind(&o.dropoff.address)
    .bind(o.dropoff.lat)
    .bind(o.dropoff.lng)
    .bind(o.note)
    .bind(o.idempotency_key)
    .bind(at)
    .fetch_one(tx)
    .await;
    let id = match inserted {
        Ok(row) => OrderId(row.i64("id")?),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e),
    };
    let values: Vec<String> = (0..o.lines.len())
        .map(|i| {
            let p = i * 4 + 1;
            format!("($1, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
        })
        .collect();
    let sql = format!(
        "INSERT INTO order_lines (order_id, menu_item_id, name, unit_price_cents, quantity) VALUES {}",
        values.join(", ")
    );
    let mut query = Query::new(sql).bind(id);
    for line in o.lines {
        query = query
            .bind(line.menu_item_id)
            .bind(&line.name)
            .bind(line.unit_price_cents)
            .bind(line.quantity);
    }
    query.execute(tx).await?;
    // The first history row comes from SQLite's trigger `orders_first_history`.
    Ok(Some(id))
}

pub async fn id_by_idempotency_key(
    db: &Db,
    customer_id: UserId,
    key: &str,
) -> Result<Option<OrderId>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM orders WHERE customer_id = $1 AND idempotency_key = $2")
        .bind(customer_id)
        .bind(key)
        .fetch_optional(&db.pool)
        .await
}

pub async fn add_history(
    tx: &mut WriteConn,
    order_id: OrderId,
    status: OrderStatus,
    by_user_id: Option<UserId>,
    reason: Option<&str>,
    at: i64,
) -> Result<(), sqlx::Error> {
    Query::new("INSERT INTO order_history (order_id, status, by_user_id, reason, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(order_id)
        .bind(status.as_str())
        .bind(by_user_id)
        .bind(reason)
        .bind(at)
        .execute(tx)
        .await?;
    Ok(())
}

/// Moves the order to `to` only if nobody changed it since `version` was
/// read: of two concurrent steps, exactly one wins. The first statement of
/// its transaction, so SQLite takes the write lock at once.
pub async fn set_status(
    tx: &mut WriteConn,
    id: OrderId,
    version: i64,
    to: OrderStatus,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = Query::new(
        "UPDATE orders SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
    )
    .bind(to.as_str())
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(tx)
    .await?;
    Ok(done == 1)
}

pub async fn access(db: &Db, id: OrderId) -> Result<Option<OrderAccess>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, customer_id, restaurant_id, driver_id, status, version, updated_at FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn count_active_by_status(db: &Db) -> Result<Vec<(OrderStatus, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT status, COUNT(*) AS n FROM orders WHERE status NOT IN ({}) GROUP BY status",
        super::statuses(OrderStatus::is_final)
    );
    let rows: Vec<(String, i64)> = sqlx::query_as(&sql).fetch_all(&db.pool).await?;
    rows.into_iter()
        .map(|(status, n)| Ok((parse_status(&status)?, n)))
        .collect()
}

/// Gives the order to `driver_id` if it is still unassigned and waiting,
/// the driver's offer for it is still pending, and the driver is on no
/// other delivery: of two drivers accepting at once, exactly one sees
/// `true`. Bumps `version`, as every change of the order does.
pub async fn assign_driver(
    tx: &mut WriteConn,
    order_id: OrderId,
    driver_id: UserId,
    pay_cents: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = Query::new(format!(
        "UPDATE orders SET driver_id = $1, updated_at = $2, version = version + 1, driver_pay_cents = $4 \
         WHERE id = $3 AND driver_id IS NULL AND status IN ({}) \
         AND EXISTS (SELECT 1 FROM delivery_offers f WHERE f.order_id = $3 AND f.driver_id = $1 \
           AND f.status = 'pending' AND f.expires_at > $2) \
         AND NOT EXISTS (SELECT 1 FROM orders a WHERE a.driver_id = $1 AND a.status IN ({}))",
        super::statuses(OrderStatus::awaits_driver),
        super::statuses(OrderStatus::holds_driver)
    ))
    .bind(driver_id)
    .bind(at)
    .bind(order_id)
    .bind(pay_cents)
    .execute(tx)
    .await?;
    Ok(done == 1)
}

#[derive(sqlx::FromRow)]
struct DeliveredRow {
    id: OrderId,
    restaurant_name: String,
    updated_at: i64,
    pay_cents: i64,
}

/// The deliveries `driver_id` completed since `since` (ms), newest first.
pub async fn delivered_by(
    db: &Db,
    driver_id: UserId,
    since: i64,
) -> Result<Vec<Delivered>, sqlx::Error> {
    let rows: Vec<DeliveredRow> = sqlx::query_as(
        "SELECT o.id, r.name AS restaurant_name, o.updated_at, \
         COALESCE(o.driver_pay_cents, 0) AS pay_cents \
         FROM orders o JOIN restaurants r ON r.id = o.restaurant_id \
         WHERE o.driver_id = $1 AND o.updated_at >= $2 AND o.status = $3 \
         ORDER BY o.updated_at DESC",
    )
    .bind(driver_id)
    .bind(since)
    .bind(OrderStatus::Delivered.as_str())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Delivered {
            order_id: r.id,
            restaurant_name: r.restaurant_name,
            delivered_at: rfc3339(r.updated_at),
            pay_cents: r.pay_cents,
        })
        .collect())
}

/// The delivery a driver is on, if any, and what it pays them.
pub async fn active_for_driver(
    db: &Db,
    driver_id: UserId,
) -> Result<Option<(OrderId, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT id, COALESCE(driver_pay_cents, 0) FROM orders \
         WHERE driver_id = $1 AND status IN ({}) ORDER BY id LIMIT 1",
        super::statuses(OrderStatus::holds_driver)
    );
    sqlx::query_as(&sql)
        .bind(driver_id)
        .fetch_optional(&db.pool)
        .await
}

/// Drivers on a delivery right now.
pub async fn busy_drivers(db: &Db) -> Result<Vec<UserId>, sqlx::Error> {
    let sql = format!(
        "SELECT DISTINCT driver_id FROM orders WHERE driver_id IS NOT NULL AND status IN ({})",
        super::statuses(OrderStatus::holds_driver)
    );
    sqlx::query_scalar(&sql).fetch_all(&db.pool).await
}
