//! Status changes on PostgreSQL, written many to a statement (group
//! commit). Each change was one statement of its own (`store::pg_write`),
//! and PostgreSQL's fixed cost per statement was most of its work: at
//! 1,000 changes a second it spent more of the machine than the server,
//! in executor start-up, planning, opening six tables with twenty indexes
//! and committing, once per change (pg_stat_statements: 0.52 ms of
//! execution per change, plus planning). Written eight to a statement
//! (pgbench, same rows), the same two cores took 2.4 times the changes.
//!
//! So a node queues its changes: while one statement runs, the changes
//! that arrive wait, then go out together as the next, with their rows as
//! JSON parameters of one fixed statement (prepared once per connection,
//! its plan kept). An idle node writes a change at once, alone; a busy one
//! writes as many as arrived meanwhile. Each change keeps its own outcome:
//! the statement updates an order only at the version its change was
//! decided on, and says, per order, whether it did and its newest event.
//! Two changes of one order never share a statement (the second waits for
//! the next), so one update decides between them as before.
//!
//! One statement is one transaction: the batch commits whole or not at
//! all. When it fails, each of its changes is written again alone, so an
//! error is only ever the change's own.
//!
//! Deadlocks: two nodes' statements that notify the same users used to
//! lock those users' rows in whatever order their joins met them, and
//! PostgreSQL then ended one of them after `deadlock_timeout` (a second):
//! a 1 s stall at p99 with two nodes at 3,500 changes/s. Now every
//! statement locks orders in id order (the index scan walks the sorted
//! array), then users in id order (`ORDER BY id FOR NO KEY UPDATE` before
//! the update), as every other write that raises several users' unread
//! counts does through `store::users_in_id_order` (this fixed statement
//! spells its clause inline): one global order, so no cycle.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::events::MAX_PER_TRANSACTION;
use super::pg_write::{rooms_json, Step};
use super::write::{Columns, Query};
use model::{EventId, OrderId};

/// Most changes one statement writes.
pub const MAX_STEPS: usize = 64;

/// The changes of one statement, each the rows it writes (as JSON):
/// `$1` the changes, `$2` their own events, `$3` their notifications.
/// Rows of one change share its order id `o`; `r` ranks a change's events
/// (its own first, then one per notification), and events take their ids
/// in (order, rank) order: `xid * 1024 + n` as in `store::events`.
const SQL: &str = "\
WITH s AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json)
    AS x(o bigint, version bigint, status text, by bigint, reason text, at bigint)),
u AS (
  UPDATE orders SET status = s.status, version = orders.version + 1, updated_at = s.at
  FROM s WHERE orders.id = ANY (ARRAY(SELECT o FROM s))
    AND orders.id = s.o AND orders.version = s.version
  RETURNING s.o, s.at),
h AS (
  INSERT INTO order_history (order_id, status, by_user_id, reason, at)
  SELECT s.o, s.status, s.by, s.reason, s.at FROM s JOIN u ON u.o = s.o),
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
  COALESCE((pg_current_xact_id()::text::bigint << 10)
    + (SELECT MAX(e.n) FROM e WHERE e.o = s.o), 0) AS newest
FROM s LEFT JOIN u ON u.o = s.o";

/// What a change answers: `None` when its order had moved on.
type Outcome = Result<Option<EventId>, sqlx::Error>;

/// One change's rows, as the statement takes them.
struct Rows {
    order_id: OrderId,
    events: usize,
    step: String,
    own: Vec<String>,
    notes: Vec<String>,
}

impl Rows {
    fn of(step: &Step<'_>) -> Result<Rows, sqlx::Error> {
        let logged = &step.logged;
        let events = logged.events.len() + logged.notes.len();
        if events > MAX_PER_TRANSACTION {
            return Err(sqlx::Error::Protocol(format!(
                "{events} events in one change; at most {MAX_PER_TRANSACTION}"
            )));
        }
        let o = step.order_id.0;
        let own = logged.events.iter().enumerate().map(|(r, event)| {
            Ok(format!(
                r#"{{"o":{o},"r":{r},"kind":{},"payload":{},"rooms":{}}}"#,
                text(&event.kind),
                event.payload,
                rooms_json(&event.rooms)?
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
                rooms_json(&[model::rooms::Room::user(note.user_id)])?
            ))
        });
        Ok(Rows {
            order_id: step.order_id,
            events,
            step: format!(
                r#"{{"o":{o},"version":{},"status":{},"by":{},"reason":{},"at":{}}}"#,
                step.version,
                text(step.to.as_str()),
                step.by.0,
                step.reason.map_or_else(|| "null".to_owned(), text),
                logged.at
            ),
            own: own.collect::<Result<_, sqlx::Error>>()?,
            notes: notes.collect::<Result<_, sqlx::Error>>()?,
        })
    }
}

/// A JSON array of the JSON `items`.
fn array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

/// `s` as a JSON string.
fn text(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

struct Pending {
    rows: Rows,
    answer: oneshot::Sender<Outcome>,
}

/// A node's queue of status changes, written together.
pub struct Steps {
    pool: AnyPool,
    /// The writing task, started on first use (on the runtime that uses it).
    asks: OnceLock<mpsc::UnboundedSender<Pending>>,
    /// Statements written so far (changes written alone after a failed
    /// statement not counted).
    batches: Arc<AtomicU64>,
}

impl Steps {
    pub fn new(pool: AnyPool) -> Arc<Steps> {
        Arc::new(Steps {
            pool,
            asks: OnceLock::new(),
            batches: Arc::default(),
        })
    }

    /// Writes `step` with the changes queued beside it; `None` when its
    /// order had moved on (nothing written), otherwise its newest event id.
    pub async fn write(&self, step: &Step<'_>) -> Outcome {
        let rows = Rows::of(step)?;
        let (answer, answered) = oneshot::channel();
        let asks = self.asks.get_or_init(|| self.spawn());
        match asks.send(Pending { rows, answer }) {
            // The task answers every change it takes; it drops one only
            // when its runtime ends, and then whether it was written is
            // unknown.
            Ok(()) => answered.await.unwrap_or(Err(sqlx::Error::WorkerCrashed)),
            // The task is gone (its runtime ended): written alone.
            Err(mpsc::error::SendError(pending)) => alone(&self.pool, &pending.rows).await,
        }
    }

    /// Statements written so far.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    fn spawn(&self) -> mpsc::UnboundedSender<Pending> {
        let (asks, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(self.pool.clone(), queue, self.batches.clone()));
        asks
    }
}

/// Writes what is queued, one statement at a time, until every sender is
/// gone.
async fn run(pool: AnyPool, mut queue: mpsc::UnboundedReceiver<Pending>, batches: Arc<AtomicU64>) {
    let mut waiting = VecDeque::new();
    let mut arrived = Vec::new();
    loop {
        if waiting.is_empty() && queue.recv_many(&mut arrived, MAX_STEPS).await == 0 {
            return;
        }
        while let Ok(pending) = queue.try_recv() {
            arrived.push(pending);
        }
        waiting.extend(arrived.drain(..));
        // A change whose caller gave up (a closed request) is not written:
        // nobody learns that it was.
        waiting.retain(|p: &Pending| !p.answer.is_closed());
        let batch = next_batch(&mut waiting);
        if batch.is_empty() {
            continue;
        }
        batches.fetch_add(1, Ordering::Relaxed);
        write_batch(&pool, batch).await;
    }
}

/// The oldest waiting changes that fit one statement: at most
/// [`MAX_STEPS`], at most [`MAX_PER_TRANSACTION`] events, one per order.
/// The rest keep their place in the queue.
fn next_batch(waiting: &mut VecDeque<Pending>) -> Vec<Pending> {
    let mut batch = Vec::new();
    let mut held = Vec::new();
    let mut orders = HashSet::new();
    let mut events = 0;
    while let Some(pending) = waiting.pop_front() {
        if batch.len() == MAX_STEPS {
            waiting.push_front(pending);
            break;
        }
        let fits = events + pending.rows.events <= MAX_PER_TRANSACTION;
        // A held change's order is taken too: a later change of it must
        // not go before it.
        if !orders.insert(pending.rows.order_id) || !fits {
            held.push(pending);
            continue;
        }
        events += pending.rows.events;
        batch.push(pending);
    }
    for pending in held.into_iter().rev() {
        waiting.push_front(pending);
    }
    batch
}

async fn write_batch(pool: &AnyPool, batch: Vec<Pending>) {
    let rows: Vec<&Rows> = batch.iter().map(|p| &p.rows).collect();
    match written(pool, &rows).await {
        Ok(outcomes) => {
            for pending in batch {
                let _ = pending.answer.send(outcome_of(&outcomes, &pending.rows));
            }
        }
        Err(e) if batch.len() == 1 => {
            if let Some(pending) = batch.into_iter().next() {
                let _ = pending.answer.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, changes = batch.len(), "a statement of status changes failed; writing each alone");
            for pending in batch {
                let outcome = alone(pool, &pending.rows).await;
                let _ = pending.answer.send(outcome);
            }
        }
    }
}

async fn alone(pool: &AnyPool, rows: &Rows) -> Outcome {
    outcome_of(&written(pool, &[rows]).await?, rows)
}

/// The outcome of `rows`' change among a statement's.
fn outcome_of(outcomes: &HashMap<OrderId, Option<EventId>>, rows: &Rows) -> Outcome {
    outcomes
        .get(&rows.order_id)
        .copied()
        .ok_or(sqlx::Error::RowNotFound)
}

/// Runs the statement for `rows`: per order, its newest event id if its
/// change was written.
async fn written(
    pool: &AnyPool,
    rows: &[&Rows],
) -> Result<HashMap<OrderId, Option<EventId>>, sqlx::Error> {
    let query = Query::new(SQL)
        .bind(array(rows.iter().map(|r| r.step.as_str())))
        .bind(array(
            rows.iter().flat_map(|r| r.own.iter().map(String::as_str)),
        ))
        .bind(array(
            rows.iter().flat_map(|r| r.notes.iter().map(String::as_str)),
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(order: i64, events: usize) -> Pending {
        let (answer, _) = oneshot::channel();
        Pending {
            rows: Rows {
                order_id: OrderId(order),
                events,
                step: String::new(),
                own: Vec::new(),
                notes: Vec::new(),
            },
            answer,
        }
    }

    fn orders(batch: &[Pending]) -> Vec<i64> {
        batch.iter().map(|p| p.rows.order_id.0).collect()
    }

    #[test]
    fn two_changes_of_one_order_never_share_a_statement() {
        let mut waiting: VecDeque<Pending> =
            [1, 2, 1, 3, 1].into_iter().map(|o| pending(o, 2)).collect();
        assert_eq!(orders(&next_batch(&mut waiting)), [1, 2, 3]);
        assert_eq!(orders(&next_batch(&mut waiting)), [1]);
        assert_eq!(orders(&next_batch(&mut waiting)), [1]);
        assert!(waiting.is_empty());
    }

    #[test]
    fn a_statement_holds_at_most_its_changes_and_events() {
        let mut waiting: VecDeque<Pending> = (0..100).map(|o| pending(o, 1)).collect();
        assert_eq!(next_batch(&mut waiting).len(), MAX_STEPS);
        assert_eq!(next_batch(&mut waiting).len(), 100 - MAX_STEPS);

        // Events: the first change that does not fit waits, and a later
        // change of its order waits behind it.
        let mut waiting: VecDeque<Pending> = [(1, 1010), (2, 20), (3, 3), (2, 1)]
            .map(|(o, n)| pending(o, n))
            .into();
        assert_eq!(orders(&next_batch(&mut waiting)), [1, 3]);
        assert_eq!(orders(&next_batch(&mut waiting)), [2]);
        assert_eq!(orders(&next_batch(&mut waiting)), [2]);
    }
}
