//! A status change on PostgreSQL in one statement: the conditional update,
//! its history row, its notifications (and their users' unread counts) and
//! its events with their rooms, as data-modifying parts of one `WITH`.
//!
//! Why one statement: through a transaction the same change was seven
//! round trips (BEGIN, read, update, history, notifications, events,
//! COMMIT), each a wait for the server's tasks to be scheduled, with a
//! pooled connection held and a transaction id open all along. The pool
//! of 20 then capped the node near 700 changes a second with the CPU
//! partly idle, and every open transaction held back the log's visibility
//! horizon (see `store::events`). One statement is one transaction: all
//! of it commits, or none of it; nothing is held between round trips.
//!
//! SQLite runs the same change as separate statements inline on its one
//! writer (`store::write`), where a statement costs no round trip.

use super::events::NewEvent;
use super::notifications::NewNotification;
use super::write::{Columns, Query};
use super::Db;
use model::{EventId, OrderId, OrderStatus, UserId};

/// One status change, as the service decided it.
pub struct Step<'a> {
    pub order_id: OrderId,
    /// The version the change was decided on: if the order moved since,
    /// nothing is written.
    pub version: i64,
    pub to: OrderStatus,
    pub by: UserId,
    pub reason: Option<&'a str>,
    pub at: i64,
    /// The change's own events, logged first.
    pub events: &'a [NewEvent],
    /// At most one per user, each with its `notification:new` payload
    /// written with id 0 and unread 0: SQL puts in the real ones.
    pub notes: &'a [(NewNotification<'a>, String)],
}

/// Writes `step`; `None` when the order had moved on (nothing written),
/// otherwise the newest event id.
pub async fn apply(db: &Db, step: &Step<'_>) -> Result<Option<EventId>, sqlx::Error> {
    let mut query = Query::new(sql(step.events.len(), step.notes.len()))
        .bind(step.to.as_str())
        .bind(step.at)
        .bind(step.order_id)
        .bind(step.version)
        .bind(step.by)
        .bind(step.reason);
    for event in step.events {
        query = query
            .bind(event.kind.as_str())
            .bind(event.payload.as_str())
            .bind(rooms_json(&event.rooms)?);
    }
    for (n, payload) in step.notes {
        query = query
            .bind(n.user_id)
            .bind(n.kind)
            .bind(n.title)
            .bind(n.body)
            .bind(n.order_id)
            .bind(payload.as_str())
            .bind(rooms_json(&[model::rooms::Room::user(n.user_id)])?);
    }
    let row = query.fetch_one_alone(&db.pool).await?;
    if row.i64("changed")? == 0 {
        return Ok(None);
    }
    Ok(Some(EventId(row.i64("newest")?)))
}

fn rooms_json(rooms: &[String]) -> Result<String, sqlx::Error> {
    serde_json::to_string(rooms).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Parameters: $1 status, $2 at, $3 order, $4 version, $5 by, $6 reason,
/// then three per event (kind, payload, rooms), then seven per note.
fn sql(events: usize, notes: usize) -> String {
    let mut p = 6;
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
    let note_rows: Vec<String> = (0..notes)
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
    // A change always notifies its customer; the VALUES lists are never
    // empty, but stay valid SQL if they were.
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
    format!(
        "WITH u AS (\
           UPDATE orders SET status = $1, version = version + 1, updated_at = $2 \
           WHERE id = $3 AND version = $4 RETURNING id), \
         h AS (\
           INSERT INTO order_history (order_id, status, by_user_id, reason, at) \
           SELECT id, $1, $5, $6, $2 FROM u), \
         own(n, kind, payload, rooms) AS ({own}), \
         v(user_id, kind, title, body, order_id, payload, rooms) AS ({note_rows}), \
         n AS (\
           INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) \
           SELECT v.user_id, v.kind, v.title, v.body, v.order_id, $2 FROM u, v \
           RETURNING id, user_id), \
         c AS (\
           UPDATE users SET unread_notifications = unread_notifications + 1 \
           WHERE id IN (SELECT v.user_id FROM u, v) RETURNING id, unread_notifications AS unread), \
         e AS (\
           SELECT own.n, own.kind, own.payload, own.rooms FROM u, own \
           UNION ALL \
           SELECT {events} + ROW_NUMBER() OVER (ORDER BY n.id), 'notification:new', \
             jsonb_set(jsonb_set(v.payload::jsonb, '{{notification,id}}', to_jsonb(n.id)), \
               '{{unread}}', to_jsonb(c.unread))::text, v.rooms \
           FROM n JOIN v ON v.user_id = n.user_id JOIN c ON c.id = n.user_id), \
         ev AS (\
           INSERT INTO events (id, kind, payload, at, rooms) \
           SELECT (pg_current_xact_id()::text::bigint << 10) + e.n, e.kind, e.payload, $2, e.rooms \
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
    use super::sql;

    #[test]
    fn parameters_are_numbered_once_each_in_order() {
        let text = sql(1, 2);
        for n in 1..=(6 + 3 + 14) {
            assert!(text.contains(&format!("${n}")), "${n} missing");
        }
        assert!(!text.contains("$24"));
    }
}
