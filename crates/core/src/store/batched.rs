//! Writes on PostgreSQL made many to a statement (group commit): status
//! changes (`store::pg_steps`) and checkouts (`store::pg_checkouts`).
//!
//! A node queues its writes of one kind: while one statement runs, the
//! writes that arrive wait, then go out together as the next, as JSON
//! parameters of one fixed statement (prepared once per connection, its
//! plan kept). An idle node writes at once, alone; a busy one writes as
//! many as arrived meanwhile. PostgreSQL's fixed cost per statement
//! (executor start-up, opening the tables and their indexes, the commit)
//! is then paid once per batch instead of once per write.
//!
//! One statement is one transaction: the batch commits whole or not at
//! all. When it fails, each of its writes is made again alone, so an
//! error is only ever the write's own. Writes that share a key
//! ([`Batch::apart`]) never share a statement: the later one waits for
//! the next, so the database decides between them as it would one by one.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::events::MAX_PER_TRANSACTION;
use super::write::{Columns, Query};
use model::{EventId, OrderId};

/// Most writes one statement takes.
pub const MAX_WRITES: usize = 64;

/// What a write answers: `None` when it was not made (its order had moved
/// on, or its checkout was made already), otherwise its newest event id.
pub type Outcome = Result<Option<EventId>, sqlx::Error>;

/// A statement's outcome per order: its newest event id if its write was
/// made.
pub type Outcomes = HashMap<OrderId, Option<EventId>>;

/// One write's rows, as its statement takes them.
pub trait Batch: Send + Sync + Sized + 'static {
    /// The order the write's outcome is keyed by.
    fn order_id(&self) -> OrderId;
    /// Writes with the same key never share a statement.
    fn apart(&self) -> i64;
    /// Events the write logs.
    fn events(&self) -> usize;
    /// Runs the statement for `rows`.
    fn written<'a>(
        pool: &'a AnyPool,
        rows: &'a [&'a Self],
    ) -> impl Future<Output = Result<Outcomes, sqlx::Error>> + Send + 'a;
}

struct Pending<R> {
    rows: R,
    answer: oneshot::Sender<Outcome>,
}

/// A node's queue of one kind of write, written together.
pub struct Batched<R: Batch> {
    pool: AnyPool,
    /// The writing task, started on first use (on the runtime that uses it).
    asks: OnceLock<mpsc::UnboundedSender<Pending<R>>>,
    /// Statements written so far (writes made alone after a failed
    /// statement not counted).
    batches: Arc<AtomicU64>,
}

impl<R: Batch> Batched<R> {
    pub fn new(pool: AnyPool) -> Arc<Batched<R>> {
        Arc::new(Batched {
            pool,
            asks: OnceLock::new(),
            batches: Arc::default(),
        })
    }

    /// Writes `rows` with the writes queued beside them.
    pub async fn write(&self, rows: R) -> Outcome {
        let (answer, answered) = oneshot::channel();
        let asks = self.asks.get_or_init(|| self.spawn());
        match asks.send(Pending { rows, answer }) {
            // The task answers every write it takes; it drops one only
            // when its runtime ends, and then whether it was made is
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

    fn spawn(&self) -> mpsc::UnboundedSender<Pending<R>> {
        let (asks, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(self.pool.clone(), queue, self.batches.clone()));
        asks
    }
}

/// Writes what is queued, one statement at a time, until every sender is
/// gone.
async fn run<R: Batch>(
    pool: AnyPool,
    mut queue: mpsc::UnboundedReceiver<Pending<R>>,
    batches: Arc<AtomicU64>,
) {
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
        waiting.retain(|p: &Pending<R>| !p.answer.is_closed());
        let batch = next_batch(&mut waiting);
        if batch.is_empty() {
            continue;
        }
        batches.fetch_add(1, Ordering::Relaxed);
        write_batch(&pool, batch).await;
    }
}

/// The oldest waiting writes that fit one statement: at most
/// [`MAX_WRITES`], at most [`MAX_PER_TRANSACTION`] events, one per key.
/// The rest keep their place in the queue.
fn next_batch<R: Batch>(waiting: &mut VecDeque<Pending<R>>) -> Vec<Pending<R>> {
    let mut batch = Vec::new();
    let mut held = Vec::new();
    let mut keys = HashSet::new();
    let mut events = 0;
    while let Some(pending) = waiting.pop_front() {
        if batch.len() == MAX_WRITES {
            waiting.push_front(pending);
            break;
        }
        let fits = events + pending.rows.events() <= MAX_PER_TRANSACTION;
        // A held write's key is taken too: a later write with it must not
        // go before it.
        if !keys.insert(pending.rows.apart()) || !fits {
            held.push(pending);
            continue;
        }
        events += pending.rows.events();
        batch.push(pending);
    }
    for pending in held.into_iter().rev() {
        waiting.push_front(pending);
    }
    batch
}

async fn write_batch<R: Batch>(pool: &AnyPool, batch: Vec<Pending<R>>) {
    let rows: Vec<&R> = batch.iter().map(|p| &p.rows).collect();
    match R::written(pool, &rows).await {
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
            tracing::warn!(error = %e, writes = batch.len(), "a batched statement failed; writing each alone");
            for pending in batch {
                let outcome = alone(pool, &pending.rows).await;
                let _ = pending.answer.send(outcome);
            }
        }
    }
}

async fn alone<R: Batch>(pool: &AnyPool, rows: &R) -> Outcome {
    outcome_of(&R::written(pool, &[rows]).await?, rows)
}

/// The outcome of `rows`' write among a statement's.
fn outcome_of<R: Batch>(outcomes: &Outcomes, rows: &R) -> Outcome {
    outcomes
        .get(&rows.order_id())
        .copied()
        .ok_or(sqlx::Error::RowNotFound)
}

/// What a batched statement answers: per order (column `o`), whether its
/// write was made (`changed`) and its newest event (`newest`).
pub(super) async fn outcomes(query: Query, pool: &AnyPool) -> Result<Outcomes, sqlx::Error> {
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

/// A JSON array of the JSON `items`.
pub(super) fn array<'a>(items: impl Iterator<Item = &'a str>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        order: i64,
        apart: i64,
        events: usize,
    }

    impl Batch for Fake {
        fn order_id(&self) -> OrderId {
            OrderId(self.order)
        }
        fn apart(&self) -> i64 {
            self.apart
        }
        fn events(&self) -> usize {
            self.events
        }
        async fn written(_: &AnyPool, _: &[&Self]) -> Result<Outcomes, sqlx::Error> {
            Ok(Outcomes::new())
        }
    }

    fn pending(order: i64, apart: i64, events: usize) -> Pending<Fake> {
        let (answer, _) = oneshot::channel();
        Pending {
            rows: Fake {
                order,
                apart,
                events,
            },
            answer,
        }
    }

    fn orders(batch: &[Pending<Fake>]) -> Vec<i64> {
        batch.iter().map(|p| p.rows.order).collect()
    }

    #[test]
    fn two_writes_with_one_key_never_share_a_statement() {
        let mut waiting: VecDeque<_> = [1, 2, 1, 3, 1]
            .into_iter()
            .map(|o| pending(o, o, 2))
            .collect();
        assert_eq!(orders(&next_batch(&mut waiting)), [1, 2, 3]);
        assert_eq!(orders(&next_batch(&mut waiting)), [1]);
        assert_eq!(orders(&next_batch(&mut waiting)), [1]);
        assert!(waiting.is_empty());

        // Keyed apart by something other than the order (a checkout's
        // customer): two orders of one customer wait for each other.
        let mut waiting: VecDeque<_> = [(10, 7), (11, 8), (12, 7)]
            .map(|(o, customer)| pending(o, customer, 2))
            .into();
        assert_eq!(orders(&next_batch(&mut waiting)), [10, 11]);
        assert_eq!(orders(&next_batch(&mut waiting)), [12]);
    }

    #[test]
    fn a_statement_holds_at_most_its_writes_and_events() {
        let mut waiting: VecDeque<_> = (0..100).map(|o| pending(o, o, 1)).collect();
        assert_eq!(next_batch(&mut waiting).len(), MAX_WRITES);
        assert_eq!(next_batch(&mut waiting).len(), 100 - MAX_WRITES);

        // Events: the first write that does not fit waits, and a later
        // write with its key waits behind it.
        let mut waiting: VecDeque<_> = [(1, 1010), (2, 20), (3, 3), (2, 1)]
            .map(|(o, n)| pending(o, o, n))
            .into();
        assert_eq!(orders(&next_batch(&mut waiting)), [1, 3]);
        assert_eq!(orders(&next_batch(&mut waiting)), [2]);
        assert_eq!(orders(&next_batch(&mut waiting)), [2]);
    }

    #[test]
    fn rows_join_as_one_json_array() {
        assert_eq!(array([].into_iter()), "[]");
        assert_eq!(
            array([r#"{"o":1}"#, r#"{"o":2}"#].into_iter()),
            r#"[{"o":1},{"o":2}]"#
        );
    }
}
