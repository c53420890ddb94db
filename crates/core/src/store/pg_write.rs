//! Lifecycle writes on PostgreSQL in one statement: a checkout (the order
//! and its lines, `store::pg_checkouts`) or a status change
//! (`store::pg_steps`), with its notifications (and their users' unread
//! counts) and its events with their rooms, as data-modifying parts of one
//! `WITH`, many writes to a statement (`store::batched`).
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

use std::sync::atomic::{AtomicU64, Ordering};

use super::batched::array;
use super::coalesce::Batch;
use super::events::{NewEvent, MAX_PER_TRANSACTION};
use super::notifications::NewNotification;
use super::orders::NewOrder;
use super::pg_checkouts::CheckoutRows;
use super::pg_steps::StepRows;
use super::write::{Columns, Query, Reads};
use super::Db;
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
    db.steps.write(StepRows::of(step)?).await
}

/// Places `order` with the id reserved for it ([`reserve_order_id`]) and
/// its first history row, in one statement with the checkouts queued
/// beside it (`store::pg_checkouts`); `None` when the customer's
/// idempotency key was used already (nothing written), otherwise the
/// newest event id.
pub async fn place(
    db: &Db,
    id: OrderId,
    order: &NewOrder<'_>,
    logged: &Logged<'_>,
) -> Result<Option<EventId>, sqlx::Error> {
    db.checkouts
        .write(CheckoutRows::of(id, order, logged)?)
        .await
}

/// An id for an order about to be placed, taken outside any transaction
/// (ids may have gaps, as a sequence's always may): the order's events
/// and notes name it, so they can be written in the same statement.
/// Checkouts that ask at the same moment take theirs in one query
/// (`store::coalesce`), each with a ticket, in ticket order.
pub async fn reserve_order_id(db: &Db) -> Result<OrderId, sqlx::Error> {
    static TICKETS: AtomicU64 = AtomicU64::new(0);
    let ticket = TICKETS.fetch_add(1, Ordering::Relaxed);
    db.order_ids
        .get(ticket)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Order ids for `tickets`, from one query: the lowest ticket the lowest
/// id.
pub(super) fn order_ids_many(reads: Reads, mut tickets: Vec<u64>) -> Batch<u64, OrderId> {
    Box::pin(async move {
        let query = Query::new(
            "SELECT nextval(pg_get_serial_sequence('orders', 'id')) AS id \
             FROM generate_series(1, $1)",
        )
        .bind(tickets.len() as i64);
        let mut ids = reads
            .all(query)
            .await?
            .iter()
            .map(|row| row.i64("id"))
            .collect::<Result<Vec<i64>, sqlx::Error>>()?;
        ids.sort_unstable();
        tickets.sort_unstable();
        Ok(tickets
            .into_iter()
            .zip(ids.into_iter().map(OrderId))
            .collect())
    })
}

/// What a batched write logs, as JSON rows of its statement
/// ([`logged_sql`]): its own events (`$2`), then its notifications (`$3`),
/// all keyed by its order `o` and ranked by `r`.
pub(super) struct LoggedRows {
    own: Vec<String>,
    notes: Vec<String>,
}

impl LoggedRows {
    pub(super) fn of(o: i64, logged: &Logged<'_>) -> Result<LoggedRows, sqlx::Error> {
        let events = logged.events.len() + logged.notes.len();
        if events > MAX_PER_TRANSACTION {
            return Err(sqlx::Error::Protocol(format!(
                "{events} events in one write; at most {MAX_PER_TRANSACTION}"
            )));
        }
        let own = logged.events.iter().enumerate().map(|(r, event)| {
            Ok(format!(
                r#"{{"o":{o},"r":{r},"kind":{},"payload":{},"rooms":{}}}"#,
                text(&event.kind),
                event.payload,
                super::events::rooms_json(&event.rooms)?
            ))
        });
        let notes = logged.notes.iter().enumerate().map(|(i, (note, payload))| {
            Ok(format!(
                r#"{{"o":{o},"r":{},"user_id":{},"kind":{},"title":{},"body":{},"order_id":{},"payload":{payload},"rooms":{}}}"#,
                logged.events.len() + i,
                note.user_id.0,
                text(note.kind),
                text(note.title),
                text(note.body),
                note.order_id.map_or_else(|| "null".to_owned(), |id| id.0.to_string()),
                super::events::rooms_json(&[model::rooms::Room::user(note.user_id)])?
            ))
        });
        Ok(LoggedRows {
            own: own.collect::<Result<_, sqlx::Error>>()?,
            notes: notes.collect::<Result<_, sqlx::Error>>()?,
        })
    }

    /// Events the write logs.
    pub(super) fn events(&self) -> usize {
        self.own.len() + self.notes.len()
    }

    /// `query` with `$2` and `$3` bound for the writes of one statement.
    pub(super) fn bind<'a>(
        query: Query,
        all: impl Iterator<Item = &'a LoggedRows> + Clone,
    ) -> Query {
        let rows = |each: fn(&LoggedRows) -> &[String]| {
            array(all.clone().flat_map(|l| each(l).iter().map(String::as_str)))
        };
        query.bind(rows(|l| &l.own)).bind(rows(|l| &l.notes))
    }
}

/// `s` as a JSON string.
pub(super) fn text(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// What every batched write logs, after its own part of the `WITH`: that
/// part names the batch `s` (one row per write, its order `o`) and the
/// writes that were made `u` (`o`, and the time `at`); `$2` holds their
/// own events and `$3` their notifications ([`LoggedRows`]).
///
/// A write's events rank by `r` (its own first, then one per
/// notification) and take their ids in (order, rank) order, `xid * 1024 +
/// n` as in `store::events`. Users are locked in id order before their
/// unread counts rise, as every write that raises several users' counts
/// does (`store::users_in_id_order`, spelled inline here): one global
/// order, so two nodes' statements never deadlock on them.
macro_rules! logged_sql {
    () => {
        "\
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
    AND users.id IN (SELECT id FROM users WHERE id IN (SELECT user_id FROM v)
      ORDER BY id FOR NO KEY UPDATE)
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
SELECT s.o, u.o IS NOT NULL AS changed,
  COALESCE((pg_current_xact_id()::text::bigint << 10) + m.n, 0) AS newest
FROM s LEFT JOIN u ON u.o = s.o
  LEFT JOIN (SELECT e.o, MAX(e.n) AS n FROM e GROUP BY e.o) m ON m.o = s.o"
    };
}
pub(super) use logged_sql;
