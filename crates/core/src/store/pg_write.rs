//! Lifecycle writes on PostgreSQL in one statement: a checkout (the order
//! and its lines) with its notifications (and their users' unread counts)
//! and its events with their rooms, as data-modifying parts of one `WITH`.
//! Status changes are written the same way, many to a statement
//! (`store::pg_steps`).
//!
//! Why one statement: through a transaction a status change was seven
//! round trips (BEGIN, read, update, history, notifications, events,
//! COMMIT), each a wait for the server's tasks to be scheduled, with a
//! pooled connection held and a transaction id open all along. The pool
//! of 20 then capped the node near 700 changes a second with the CPU
//! partly idle. And every open transaction id holds back the log's
//! visibility horizon (see `store::events`): while a checkout's six round
//! trips ran, every event committed after its first write waited for it.
//! One statement is one transaction: all of it commits, or none of it;
//! nothing is held between round trips.
//!
//! SQLite runs the same writes as separate statements inline on its one
//! writer (`store::write`), where a statement costs no round trip.

use super::events::NewEvent;
use super::notifications::NewNotification;
use super::orders::NewOrder;
use super::write::{Columns, Query};
use super::{users_in_id_order, Backend, Db};
use model::{EventId, OrderId, OrderStatus, UserId};

/// What a write logs, as the service decided it.
pub struct Logged<'a> {
    pub at: i64,
    /// The write's own events, logged first.
    pub events: &'a [NewEvent],
    /// At most one per user, each with its `notification:new` payload
    /// written with id 0 and unread 0: SQL puts in the real ones.
    pub notes: &'a [(NewNotification<'a>, String)],
}

/// One status change.
pub struct Step<'a> {
    pub order_id: OrderId,
    /// The version the change was decided on: if the order moved since,
    /// nothing is written.
    pub version: i64,
    pub to: OrderStatus,
    pub by: UserId,
    pub reason: Option<&'a str>,
    pub logged: Logged<'a>,
}

/// Writes `step`, in one statement with the changes queued beside it
/// (`store::pg_steps`); `None` when the order had moved on (nothing
/// written), otherwise its newest event id.
pub async fn apply(db: &Db, step: &Step<'_>) -> Result<Option<EventId>, sqlx::Error> {
    db.steps.write(step).await
}

/// Places `order` with the id reserved for it ([`reserve_order_id`]) and
/// its first history row; `None` when the customer's idempotency key was
/// used already (nothing written), otherwise the newest event id.
pub async fn place(
    db: &Db,
    id: OrderId,
    order: &NewOrder<'_>,
    logged: &Logged<'_>,
) -> Result<Option<EventId>, sqlx::Error> {
    let lines: Vec<String> = (0..order.lines.len())
        .map(|i| {
            let p = 12 + i * 4;
            format!(
                "(${}::bigint, ${}::text, ${}::bigint, ${}::bigint)",
                p + 1,
                p + 2,
                p + 3,
                p + 4
            )
        })
        .collect();
    let head = format!(
        "u AS (\
           INSERT INTO orders (id, customer_id, restaurant_id, status, subtotal_cents, \
             delivery_fee_cents, total_cents, dropoff_address, dropoff_lat, dropoff_lng, note, \
             idempotency_key, version, created_at, updated_at) \
           VALUES ($2, $3, $4, 'placed', $5, $6, $7, $8, $9, $10, $11::text, $12::text, 0, $1, $1) \
           ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id), \
         fh AS (\
           INSERT INTO order_history (order_id, status, by_user_id, reason, at) \
           SELECT u.id, 'placed', $3, NULL, $1 FROM u), \
         l AS (\
           INSERT INTO order_lines (order_id, menu_item_id, name, unit_price_cents, quantity) \
           SELECT u.id, x.item, x.name, x.price, x.quantity FROM u, \
             (VALUES {}) AS x(item, name, price, quantity))",
        lines.join(", ")
    );
    let params = 12 + order.lines.len() * 4;
    let mut query = Query::new(sql(&head, params, logged))
        .bind(logged.at)
        .bind(id)
        .bind(order.customer_id)
        .bind(order.restaurant_id)
        .bind(order.subtotal_cents)
        .bind(order.delivery_fee_cents)
        .bind(order.subtotal_cents + order.delivery_fee_cents)
        .bind(&order.dropoff.address)
        .bind(order.dropoff.lat)
        .bind(order.dropoff.lng)
        .bind(order.note)
        .bind(order.idempotency_key);
    for line in order.lines {
        query = query
            .bind(line.menu_item_id)
            .bind(&line.name)
            .bind(line.unit_price_cents)
            .bind(line.quantity);
    }
    written(db, bind_logged(query, logged)?).await
}

/// An id for an order about to be placed, taken outside any transaction
/// (ids may have gaps, as a sequence's always may): the order's events
/// and notes name it, so they can be written in the same statement.
pub async fn reserve_order_id(db: &Db) -> Result<OrderId, sqlx::Error> {
    sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('orders', 'id'))")
        .fetch_one(&db.pool)
        .await
        .map(OrderId)
}

async fn written(db: &Db, query: Query) -> Result<Option<EventId>, sqlx::Error> {
    let row = query.fetch_one_alone(&db.pool).await?;
    if row.i64("changed")? == 0 {
        return Ok(None);
    }
    Ok(Some(EventId(row.i64("newest")?)))
}

/// Binds what `sql` numbered after the head's parameters: three per event
/// (kind, payload, rooms), then seven per note.
fn bind_logged(mut query: Query, logged: &Logged<'_>) -> Result<Query, sqlx::Error> {
    for event in logged.events {
        query = query
            .bind(event.kind.as_str())
            .bind(event.payload.as_str())
            .bind(rooms_json(&event.rooms)?);
    }
    for (n, payload) in logged.notes {
        query = query
            .bind(n.user_id)
            .bind(n.kind)
            .bind(n.title)
            .bind(n.body)
            .bind(n.order_id)
            .bind(payload.as_str())
            .bind(rooms_json(&[model::rooms::Room::user(n.user_id)])?);
    }
    Ok(query)
}

/// An event's rooms as the JSON array the log keeps.
pub(super) fn rooms_json(rooms: &[String]) -> Result<String, sqlx::Error> {
    serde_json::to_string(rooms).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// The whole statement: `head` defines `u`, one row if the write
/// happened, none if not, with parameters `$1` (the time, `at`) to
/// `$params`; the rest is logged only if `u` has its row.
fn sql(head: &str, params: usize, logged: &Logged<'_>) -> String {
    let events = logged.events.len();
    let mut p = params;
    let mut next = || {
        p += 1;
        p
    };
    let own: Vec<String> = (0..events)
        .map(|i| {
            format!(
                "({}, ${}::text, ${}::text, ${}::text)",
                i + 1,
                next(),
                next(),
                next()
            )
        })
        .collect();
    let note_rows: Vec<String> = (0..logged.notes.len())
        .map(|_| {
            format!(
                "(${}::bigint, ${}::text, ${}::text, ${}::text, ${}::bigint, ${}::text, ${}::text)",
                next(),
                next(),
                next(),
                next(),
                next(),
                next(),
                next()
            )
        })
        .collect();
    // The VALUES lists stay valid SQL when empty (a checkout at a
    // restaurant with no staff notifies no one).
    let own = if own.is_empty() {
        "SELECT 0, '', '', '' WHERE false".to_owned()
    } else {
        format!("VALUES {}", own.join(", "))
    };
    let note_rows = if note_rows.is_empty() {
        "SELECT 0::bigint, '', '', '', 0::bigint, '', '' WHERE false".to_owned()
    } else {
        format!("VALUES {}", note_rows.join(", "))
    };
    let noted = users_in_id_order(Backend::Postgres, "id IN (SELECT v.user_id FROM u, v)");
    format!(
        "WITH {head}, \
         own(n, kind, payload, rooms) AS ({own}), \
         v(user_id, kind, title, body, order_id, payload, rooms) AS ({note_rows}), \
         n AS (\
           INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) \
           SELECT v.user_id, v.kind, v.title, v.body, v.order_id, $1 FROM u, v \
           RETURNING id, user_id), \
         c AS (\
           UPDATE users SET unread_notifications = unread_notifications + 1 \
           WHERE {noted} RETURNING id, unread_notifications AS unread), \
         e AS (\
           SELECT own.n, own.kind, own.payload, own.rooms FROM u, own \
           UNION ALL \
           SELECT {events} + ROW_NUMBER() OVER (ORDER BY n.id), 'notification:new', \
             jsonb_set(jsonb_set(v.payload::jsonb, '{{notification,id}}', to_jsonb(n.id)), \
               '{{unread}}', to_jsonb(c.unread))::text, v.rooms \
           FROM n JOIN v ON v.user_id = n.user_id JOIN c ON c.id = n.user_id), \
         ev AS (\
           INSERT INTO events (id, kind, payload, at, rooms) \
           SELECT (pg_current_xact_id()::text::bigint << 10) + e.n, e.kind, e.payload, $1, e.rooms \
           FROM e RETURNING id, rooms), \
         fan AS (\
           INSERT INTO event_rooms (event_id, room) \
           SELECT ev.id, r.room FROM ev, json_array_elements_text(ev.rooms::json) AS r(room)) \
         SELECT (SELECT COUNT(*) FROM u) AS changed, \
           COALESCE((SELECT MAX(id) FROM ev), 0) AS newest"
    )
}

#[cfg(test)]
mod tests {
    use super::{sql, Logged};
    use crate::store::events::NewEvent;
    use crate::store::notifications::NewNotification;
    use model::UserId;

    #[test]
    fn parameters_are_numbered_once_each_in_order() {
        let event = NewEvent {
            kind: "k".into(),
            payload: "{}".into(),
            at: 0,
            rooms: vec![],
        };
        let note = |id| NewNotification {
            user_id: UserId(id),
            kind: "k",
            title: "t",
            body: "b",
            order_id: None,
        };
        let notes = [(note(1), String::new()), (note(2), String::new())];
        let logged = Logged {
            at: 0,
            events: std::slice::from_ref(&event),
            notes: &notes,
        };
        let text = sql("u AS (SELECT $1, $2, $3, $4, $5, $6)", 6, &logged);
        for n in 1..=(6 + 3 + 14) {
            assert!(text.contains(&format!("${n}")), "${n} missing");
        }
        assert!(!text.contains("$24"));
    }
}
