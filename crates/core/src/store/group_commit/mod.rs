//! Lifecycle writes on PostgreSQL, many to a statement (group commit):
//! status changes and checkouts. Each was one statement of its own, and
//! PostgreSQL's fixed cost per statement was most of its work: at 1,000
//! changes a second it spent more of the machine than the server, in
//! executor start-up, planning, opening six tables with twenty indexes and
//! committing, once per change (pg_stat_statements: 0.52 ms of execution
//! per change, plus planning). Written eight to a statement (pgbench, same
//! rows), the same two cores took 2.4 times the changes. Once changes were
//! batched, checkouts were the largest cost left (0.64 ms each), so they
//! join the same statement.
//!
//! So a node queues its writes: while one statement runs, the writes that
//! arrive wait, then go out together as the next, with their rows as JSON
//! parameters of one fixed statement (`statement`, prepared once per
//! connection, its plan kept). An idle node writes at once, alone; a busy
//! one writes as many as arrived meanwhile. Each write keeps its own
//! outcome: the statement updates an order only at the version its change
//! was decided on, places an order only if its idempotency key is new, and
//! says, per order, whether it did and its newest event. Two writes of one
//! order never share a statement (the second waits for the next), so one
//! update decides between them as before.
//!
//! One statement is one transaction: the batch commits whole or not at
//! all. When it fails, each of its writes is written again alone, so an
//! error is only ever the write's own. That covers the one new failure
//! batching brings: two nodes' statements that notify the same users can
//! lock their rows in different orders, and PostgreSQL then ends one of
//! them (a deadlock, found after `deadlock_timeout`, a second by default);
//! its writes are written again alone.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::events::MAX_PER_TRANSACTION;
use super::orders::NewOrder;
use super::pg_write::{Logged, Step};
use model::{EventId, OrderId};

mod rows;
mod statement;

use rows::Rows;
use statement::{written, Outcomes};

/// Most writes one statement holds.
pub const MAX_WRITES: usize = 64;

/// What a write answers: `None` when it did not happen (its order had
/// moved on, or its idempotency key was used already).
type Outcome = Result<Option<EventId>, sqlx::Error>;

struct Pending {
    rows: Rows,
    answer: oneshot::Sender<Outcome>,
}

/// A node's queue of lifecycle writes, written together.
pub struct Writes {
    pool: AnyPool,
    /// The writing task, started on first use (on the runtime that uses it).
    asks: OnceLock<mpsc::UnboundedSender<Pending>>,
    /// Statements written so far (writes written alone after a failed
    /// statement not counted).
    batches: Arc<AtomicU64>,
}

impl Writes {
    pub fn new(pool: AnyPool) -> Arc<Writes> {
        Arc::new(Writes {
            pool,
            asks: OnceLock::new(),
            batches: Arc::default(),
        })
    }

    /// Writes `step` with the writes queued beside it; `None` when its
    /// order had moved on (nothing written), otherwise its newest event id.
    pub async fn step(&self, step: &Step<'_>) -> Outcome {
        self.write(Rows::step(step)?).await
    }

    /// Places `order` under `id` with the writes queued beside it; `None`
    /// when its idempotency key was used already (nothing written),
    /// otherwise its newest event id.
    pub async fn checkout(
        &self,
        id: OrderId,
        order: &NewOrder<'_>,
        logged: &Logged<'_>,
    ) -> Outcome {
        self.write(Rows::checkout(id, order, logged)?).await
    }

    async fn write(&self, rows: Rows) -> Outcome {
        let (answer, answered) = oneshot::channel();
        let asks = self.asks.get_or_init(|| self.spawn());
        match asks.send(Pending { rows, answer }) {
            // The task answers every write it takes; it drops one only
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
        if waiting.is_empty() && queue.recv_many(&mut arrived, MAX_WRITES).await == 0 {
            return;
        }
        while let Ok(pending) = queue.try_recv() {
            arrived.push(pending);
        }
        waiting.extend(arrived.drain(..));
        // A write whose caller gave up (a closed request) is not made:
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

/// The oldest waiting writes that fit one statement: at most
/// [`MAX_WRITES`], at most [`MAX_PER_TRANSACTION`] events, one per order.
/// The rest keep their place in the queue.
fn next_batch(waiting: &mut VecDeque<Pending>) -> Vec<Pending> {
    let mut batch = Vec::new();
    let mut held = Vec::new();
    let mut orders = HashSet::new();
    let mut events = 0;
    while let Some(pending) = waiting.pop_front() {
        if batch.len() == MAX_WRITES {
            waiting.push_front(pending);
            break;
        }
        let fits = events + pending.rows.events <= MAX_PER_TRANSACTION;
        // A held write's order is taken too: a later write of it must
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
            tracing::warn!(error = %e, writes = batch.len(), "a statement of lifecycle writes failed; writing each alone");
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

/// The outcome of `rows`' write among a statement's.
fn outcome_of(outcomes: &Outcomes, rows: &Rows) -> Outcome {
    outcomes
        .get(&rows.order_id)
        .copied()
        .ok_or(sqlx::Error::RowNotFound)
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
                head: rows::Head::Step(String::new()),
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
        assert_eq!(next_batch(&mut waiting).len(), MAX_WRITES);
        assert_eq!(next_batch(&mut waiting).len(), 100 - MAX_WRITES);

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
