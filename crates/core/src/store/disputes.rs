//! Disputes.

use super::write::{Columns, Query, WriteConn};

use super::Db;
use model::dispute::Dispute;
use model::time::rfc3339;
use model::{DisputeId, OrderId, Party, UserId};

const SELECT: &str = "SELECT d.id, d.order_id, r.name AS restaurant_name, o.total_cents, d.customer_id, \
     c.name AS customer_name, d.reason, d.details, d.status, d.resolution, d.refund_cents, d.note, \
     d.resolved_by, a.name AS resolver_name, d.created_at, d.resolved_at \
     FROM disputes d JOIN orders o ON o.id = d.order_id JOIN restaurants r ON r.id = o.restaurant_id \
     JOIN users c ON c.id = d.customer_id LEFT JOIN users a ON a.id = d.resolved_by";

fn from_row(row: &impl Columns) -> Result<Dispute, sqlx::Error> {
    let resolved_by = row.opt_i64("resolved_by")?.map(UserId);
    let resolver = row.opt_string("resolver_name")?;
    Ok(Dispute {
        id: DisputeId(row.i64("id")?),
        order_id: OrderId(row.i64("order_id")?),
        restaurant_name: row.string("restaurant_name")?,
        order_total_cents: row.i64("total_cents")?,
        customer: Party {
            id: UserId(row.i64("customer_id")?),
            name: row.string("customer_name")?,
        },
        reason: row.string("reason")?,
        details: row.string("details")?,
        status: row.string("status")?,
        resolution: row.opt_string("resolution")?,
        refund_cents: row.opt_i64("refund_cents")?,
        note: row.opt_string("note")?,
        resolved_by: resolved_by
            .zip(resolver)
            .map(|(id, name)| Party { id, name }),
        created_at: rfc3339(row.i64("created_at")?),
        resolved_at: row.opt_i64("resolved_at")?.map(rfc3339),
    })
}

/// Opens a dispute inside `tx`; `None` when the order has an open one.
pub async fn insert(
    tx: &mut WriteConn,
    order_id: OrderId,
    customer_id: UserId,
    reason: &str,
    details: &str,
    at: i64,
) -> Result<Option<DisputeId>, sqlx::Error> {
    let inserted = Query::new(
        "INSERT INTO disputes (order_id, customer_id, reason, details, status, created_at) \
         VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
    )
    .bind(order_id)
    .bind(customer_id)
    .bind(reason)
    .bind(details)
    .bind(at)
    .fetch_one(tx)
    .await;
    match inserted {
        Ok(row) => Ok(Some(DisputeId(row.i64("id")?))),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Settles an open dispute inside `tx`; `false` when it was not open (any more).
pub async fn resolve(
    tx: &mut WriteConn,
    id: DisputeId,
    resolution: &str,
    refund_cents: Option<i64>,
    note: &str,
    admin_id: UserId,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = Query::new(
        "UPDATE disputes SET status = 'resolved', resolution = $1, refund_cents = $2, note = $3, \
         resolved_by = $4, resolved_at = $5 WHERE id = $6 AND status = 'open'",
    )
    .bind(resolution)
    .bind(refund_cents)
    .bind(note)
    .bind(admin_id)
    .bind(at)
    .bind(id)
    .execute(tx)
    .await?;
    Ok(done == 1)
}

pub async fn get(db: &Db, id: DisputeId) -> Result<Option<Dispute>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn get_in(tx: &mut WriteConn, id: DisputeId) -> Result<Option<Dispute>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.id = $1");
    Query::new(sql)
        .bind(id)
        .fetch_optional(tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Open ones first, then newest first; `customer`: only theirs; `order`: only its.
pub async fn list(
    db: &Db,
    customer: Option<UserId>,
    order: Option<OrderId>,
    limit: i64,
) -> Result<Vec<Dispute>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE ($1 = 0 OR d.customer_id = $1) AND ($2 = 0 OR d.order_id = $2) \
         ORDER BY CASE WHEN d.status = 'open' THEN 0 ELSE 1 END, d.id DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(customer.unwrap_or(UserId(0)))
        .bind(order.unwrap_or(OrderId(0)))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count_open(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM disputes WHERE status = 'open'")
        .fetch_one(&db.pool)
        .await
}

/// Cents already refunded on an order by its resolved disputes.
pub async fn refunded(db: &Db, order_id: OrderId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COALESCE(SUM(refund_cents), 0) AS BIGINT) FROM disputes WHERE order_id = $1 AND status = 'resolved'")
        .bind(order_id)
        .fetch_one(&db.pool)
        .await
}
