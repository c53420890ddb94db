//! The one statement that writes a batch: its status changes and its
//! checkouts, their history, notifications (with their users' unread
//! counts) and events (with their rooms).

use std::collections::HashMap;

use sqlx::AnyPool;

use super::super::write::{Columns, Query};
use super::rows::{array, Head, Rows};
use model::{EventId, OrderId};

/// `$1` the status changes, `$2` the writes' own events, `$3` their
/// notifications, `$4` the checkouts, `$5` the checkouts' lines, each a
/// JSON array of rows. Rows of one write share its order id `o`; `r`
/// ranks a write's events (its own first, then one per notification), and
/// events take their ids in (order, rank) order: `xid * 1024 + n` as in
/// `store::events`. A placed order's first history row is written by the
/// trigger `orders_first_history`. A checkout whose idempotency key was
/// used already, in the table or earlier in the same batch, writes
/// nothing (`ON CONFLICT DO NOTHING` skips it).
const SQL: &str = "\
WITH s AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json)
    AS x(o bigint, version bigint, status text, by bigint, reason text, at bigint)),
p AS MATERIALIZED (
  SELECT * FROM json_to_recordset($4::json)
    AS x(o bigint, customer_id bigint, restaurant_id bigint, subtotal_cents bigint,
         delivery_fee_cents bigint, address text, lat float8, lng float8, note text,
         idempotency_key text, at bigint)),
placed AS (
  INSERT INTO orders (id, customer_id, restaurant_id, status, subtotal_cents,
    delivery_fee_cents, total_cents, dropoff_address, dropoff_lat, dropoff_lng, note,
    idempotency_key, version, created_at, updated_at)
  SELECT p.o, p.customer_id, p.restaurant_id, 'placed', p.subtotal_cents,
    p.delivery_fee_cents, p.subtotal_cents + p.delivery_fee_cents, p.address, p.lat, p.lng,
    p.note, p.idempotency_key, 0, p.at, p.at
  FROM p ORDER BY p.o
  ON CONFLICT (customer_id, idempotency_key) DO NOTHING
  RETURNING id AS o, created_at AS at),
l AS (
  INSERT INTO order_lines (order_id, menu_item_id, name, unit_price_cents, quantity)
  SELECT x.o, x.item, x.name, x.price, x.quantity
  FROM json_to_recordset($5::json)
    AS x(o bigint, n int, item bigint, name text, price bigint, quantity bigint)
  JOIN placed ON placed.o = x.o ORDER BY x.o, x.n),
stepped AS (
  UPDATE orders SET status = s.status, version = orders.version + 1, updated_at = s.at
  FROM s WHERE orders.id = ANY (ARRAY(SELECT o FROM s))
    AND orders.id = s.o AND orders.version = s.version
  RETURNING s.o, s.at),
u AS (SELECT o, at FROM stepped UNION ALL SELECT o, at FROM placed),
h AS (
  INSERT INTO order_history (order_id, status, by_user_id, reason, at)
  SELECT s.o, s.status, s.by, s.reason, s.at FROM s JOIN stepped ON stepped.o = s.o),
v AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('notifications', 'id')) AS id, w.* FROM (
    SELECT x.*, u.at FROM json_to_recordset($3::json)
      AS x(o bigint, r int, user_id bigint, kind text, title text, body text,
           order_id bigint, payload json, rooms json)
    JOIN u ON u.o = x.o ORDER BY x.o, x.r) w),
n AS (
  INSERT INTO notifications (id, user_id, kind, title, body, order_id, created_at)
  SELECT v.id, v.user_id, v.kind, v.title, v.body, v.order_id, v.at FROM v),
c AS (
  UPDATE users SET unread_notifications = unread_notifications + k.count
  FROM (SELECT user_id, COUNT(*) AS count FROM v GROUP BY user_id) k
  WHERE users.id = k.user_id
  RETURNING users.id, users.unread_notifications AS unread),
e AS MATERIALIZED (
  SELECT ROW_NUMBER() OVER (ORDER BY a.o, a.r) AS n, a.* FROM (
    SELECT x.o, x.r, x.kind, x.payload::text AS payload, x.rooms::text AS rooms, u.at
    FROM json_to_recordset($2::json) AS x(o bigint, r int, kind text, payload json, rooms json)
    JOIN u ON u.o = x.o
    UNION ALL
    SELECT v.o, v.r, 'notification:new',
      jsonb_set(jsonb_set(v.payload::jsonb, '{notification,id}', to_jsonb(v.id)), '{unread}',
        to_jsonb(c.unread - COUNT(*) OVER (PARTITION BY v.user_id)
          + ROW_NUMBER() OVER (PARTITION BY v.user_id ORDER BY v.id)))::text,
      v.rooms::text, v.at
    FROM v JOIN c ON c.id = v.user_id) a),
ev AS (
  INSERT INTO events (id, kind, payload, at, rooms)
  SELECT (pg_current_xact_id()::text::bigint << 10) + e.n, e.kind, e.payload, e.at, e.rooms
  FROM e RETURNING id, rooms),
fan AS (
  INSERT INTO event_rooms (event_id, room)
  SELECT ev.id, r.room FROM ev, json_array_elements_text(ev.rooms::json) AS r(room))
SELECT a.o, u.o IS NOT NULL AS changed,
  COALESCE((pg_current_xact_id()::text::bigint << 10)
    + (SELECT MAX(e.n) FROM e WHERE e.o = a.o), 0) AS newest
FROM (SELECT o FROM s UNION ALL SELECT o FROM p) a LEFT JOIN u ON u.o = a.o";

/// Per order, its newest event id if its write happened.
pub(super) type Outcomes = HashMap<OrderId, Option<EventId>>;

/// Runs the statement for `rows`.
pub(super) async fn written(pool: &AnyPool, rows: &[&Rows]) -> Result<Outcomes, sqlx::Error> {
    let steps = rows.iter().filter_map(|r| match &r.head {
        Head::Step(step) => Some(step.as_str()),
        Head::Checkout { .. } => None,
    });
    let checkouts = rows.iter().filter_map(|r| match &r.head {
        Head::Checkout { order, .. } => Some(order.as_str()),
        Head::Step(_) => None,
    });
    let lines = rows.iter().flat_map(|r| match &r.head {
        Head::Checkout { lines, .. } => lines.as_slice(),
        Head::Step(_) => &[],
    });
    let query = Query::new(SQL)
        .bind(array(steps))
        .bind(array(
            rows.iter().flat_map(|r| r.own.iter().map(String::as_str)),
        ))
        .bind(array(
            rows.iter().flat_map(|r| r.notes.iter().map(String::as_str)),
        ))
        .bind(array(checkouts))
        .bind(array(lines.map(String::as_str)));
    query
        .fetch_all_alone(pool)
        .await?
        .iter()
        .map(|row| {
            let order = OrderId(row.i64("o")?);
            let newest = (row.i64("changed")? != 0).then_some(row.i64("newest")?);
            Ok((order, newest.map(EventId)))
        })
        .collect()
}
