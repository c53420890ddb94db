//! Lifecycle writes on PostgreSQL, each in one statement: a checkout (the
//! order and its lines) or a status change, with its notifications (and
//! their users' unread counts) and its events with their rooms, as
//! data-modifying parts of one `WITH`. A node writes many of them to a
//! statement (`store::group_commit`); this is what services call.
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
/// (`store::group_commit`); `None` when the order had moved on (nothing
/// written), otherwise its newest event id.
pub async fn apply(db: &Db, step: &Step<'_>) -> Result<Option<EventId>, sqlx::Error> {
    db.writes.step(step).await
}

/// Places `order` with the id reserved for it ([`reserve_order_id`]) and
/// its first history row (the trigger `orders_first_history`), in one
/// statement with the writes queued beside it (`store::group_commit`);
/// `None` when the customer's idempotency key was used already (nothing
/// written), otherwise the newest event id.
pub async fn place(
    db: &Db,
    id: OrderId,
    order: &NewOrder<'_>,
    logged: &Logged<'_>,
) -> Result<Option<EventId>, sqlx::Error> {
    db.writes.checkout(id, order, logged).await
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

/// An event's rooms as the JSON array the log keeps.
pub(super) fn rooms_json(rooms: &[String]) -> Result<String, sqlx::Error> {
    serde_json::to_string(rooms).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}
