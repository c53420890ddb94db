//! Checkouts on PostgreSQL, written many to a statement (`store::batched`),
//! as status changes are (`store::pg_steps`). A checkout alone was the
//! costliest statement per write in `pg_stat_statements` (0.32 ms of
//! execution at 5,000 changes/s, against 0.14 ms per change for status
//! changes written together): inserting an order, its lines, its history,
//! its notes and its events opens as many tables and indexes as a batch
//! of them does.
//!
//! Each checkout keeps its own outcome. An order is inserted unless its
//! customer used its idempotency key already; two checkouts of one
//! customer never share a statement (the second waits for the next), so a
//! double tap is decided by the unique index exactly as one by one, and
//! the retry finds the order the first one made.

use sqlx::AnyPool;

use super::batched::{array, outcomes, Batch, Outcomes};
use super::orders::NewOrder;
use super::pg_write::{logged_sql, Logged, LoggedRows};
use super::write::Query;
use model::OrderId;

/// The checkouts of one statement, each the rows it writes (as JSON):
/// `$1` the orders, `$2` their own events, `$3` their notifications, `$4`
/// their lines (ranked by `i`, stored in that order). Rows of one checkout
/// share its order id `o`, reserved beforehand.
const SQL: &str = concat!(
    "\
WITH s AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json)
    AS x(o bigint, customer bigint, restaurant bigint, subtotal bigint, fee bigint,
         address text, lat float8, lng float8, note text, key text, at bigint)),
u AS (
  INSERT INTO orders (id, customer_id, restaurant_id, status, subtotal_cents,
    delivery_fee_cents, total_cents, dropoff_address, dropoff_lat, dropoff_lng, note,
    idempotency_key, version, created_at, updated_at)
  SELECT s.o, s.customer, s.restaurant, 'placed', s.subtotal, s.fee, s.subtotal + s.fee,
    s.address, s.lat, s.lng, s.note, s.key, 0, s.at, s.at
  FROM s ORDER BY s.o
  ON CONFLICT (customer_id, idempotency_key) DO NOTHING
  RETURNING id AS o, created_at AS at),
h AS (
  INSERT INTO order_history (order_id, status, by_user_id, reason, at)
  SELECT s.o, 'placed', s.customer, NULL, s.at FROM s JOIN u ON u.o = s.o),
l AS (
  INSERT INTO order_lines (order_id, menu_item_id, name, unit_price_cents, quantity)
  SELECT x.o, x.item, x.name, x.price, x.quantity
  FROM json_to_recordset($4::json)
    AS x(o bigint, i int, item bigint, name text, price bigint, quantity bigint)
  JOIN u ON u.o = x.o ORDER BY x.o, x.i),
",
    logged_sql!()
);

/// One checkout's rows, as the statement takes them.
pub struct CheckoutRows {
    order_id: OrderId,
    customer: i64,
    order: String,
    lines: Vec<String>,
    logged: LoggedRows,
}

impl CheckoutRows {
    pub fn of(
        id: OrderId,
        order: &NewOrder<'_>,
        logged: &Logged<'_>,
    ) -> Result<CheckoutRows, sqlx::Error> {
        let o = id.0;
        let encode = |v: serde_json::Value| v.to_string();
        let lines = order
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                encode(serde_json::json!({
                    "o": o,
                    "i": i,
                    "item": line.menu_item_id.0,
                    "name": line.name,
                    "price": line.unit_price_cents,
                    "quantity": line.quantity,
                }))
            })
            .collect();
        Ok(CheckoutRows {
            order_id: id,
            customer: order.customer_id.0,
            order: encode(serde_json::json!({
                "o": o,
                "customer": order.customer_id.0,
                "restaurant": order.restaurant_id.0,
                "subtotal": order.subtotal_cents,
                "fee": order.delivery_fee_cents,
                "address": order.dropoff.address,
                "lat": order.dropoff.lat,
                "lng": order.dropoff.lng,
                "note": order.note,
                "key": order.idempotency_key,
                "at": logged.at,
            })),
            lines,
            logged: LoggedRows::of(o, logged)?,
        })
    }
}

impl Batch for CheckoutRows {
    fn order_id(&self) -> OrderId {
        self.order_id
    }

    fn apart(&self) -> i64 {
        self.customer
    }

    fn events(&self) -> usize {
        self.logged.events()
    }

    /// Per order, its newest event id if it was placed.
    async fn written(pool: &AnyPool, rows: &[&CheckoutRows]) -> Result<Outcomes, sqlx::Error> {
        let query = Query::new(SQL).bind(array(rows.iter().map(|r| r.order.as_str())));
        let lines = array(rows.iter().flat_map(|r| r.lines.iter().map(String::as_str)));
        let query = LoggedRows::bind(query, rows.iter().map(|r| &r.logged)).bind(lines);
        outcomes(query, pool).await
    }
}
