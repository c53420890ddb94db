//! Point reads that many callers make at the same moment, made together.
//! Every handshake, every request and every privileged socket event reads
//! its user; after a node restart ten thousand sockets do it within a
//! second. Asked through [`Coalesced`], a read waits while the one before it
//! runs, then goes out with every key that queued meanwhile, as one query:
//! each answer still comes from a read that began after it was asked, so it
//! is exactly as fresh as a read of one's own. An idle server pays one task
//! hop; a busy one makes a query per batch, not per caller.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use super::write::Reads;
use tokio::sync::{mpsc, oneshot};

/// Most keys one query asks for.
pub const MAX_BATCH: usize = 256;

type Answer<V> = oneshot::Sender<Option<Option<V>>>;
/// A batch read under way: the value of each key that has one.
pub type Batch<K, V> = Pin<Box<dyn Future<Output = Result<HashMap<K, V>, sqlx::Error>> + Send>>;
type ReadMany<K, V> = fn(Reads, Vec<K>) -> Batch<K, V>;

/// One kind of point read (a user by id), coalesced.
pub struct Coalesced<K, V> {
    reads: Reads,
    read_many: ReadMany<K, V>,
    /// The batching task, started on first use (on the runtime that uses it).
    asks: OnceLock<mpsc::UnboundedSender<(K, Answer<V>)>>,
    /// Batch queries made so far.
    batches: Arc<AtomicU64>,
}

impl<K, V> Coalesced<K, V>
where
    K: Clone + Eq + Hash + Send + 'static,
    V: Clone + Send + 'static,
{
    /// `read_many` answers a batch: the value of each key that has one.
    pub fn new(reads: Reads, read_many: ReadMany<K, V>) -> Arc<Self> {
        Arc::new(Coalesced {
            reads,
            read_many,
            asks: OnceLock::new(),
            batches: Arc::default(),
        })
    }

    /// The value of `key`, read after this call began. A batch that failed,
    /// or a batching task that is gone (its runtime ended), falls back to a
    /// read of this key alone, so errors are the caller's own.
    pub async fn get(&self, key: K) -> Result<Option<V>, sqlx::Error> {
        let (answer, answered) = oneshot::channel();
        let asks = self.asks.get_or_init(|| self.spawn());
        if asks.send((key.clone(), answer)).is_ok() {
            if let Ok(Some(value)) = answered.await {
                return Ok(value);
            }
        }
        let mut alone = (self.read_many)(self.reads.clone(), vec![key.clone()]).await?;
        Ok(alone.remove(&key))
    }

    /// Batch queries made so far (reads made alone not counted).
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    fn spawn(&self) -> mpsc::UnboundedSender<(K, Answer<V>)> {
        let (asks, mut queue) = mpsc::unbounded_channel::<(K, Answer<V>)>();
        let (reads, read_many, batches) =
            (self.reads.clone(), self.read_many, self.batches.clone());
        tokio::spawn(async move {
            let mut batch = Vec::new();
            // Ends when every sender (the `Db` clones) is gone.
            while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
                // Callers that gave up (a closed request) are not read for.
                batch.retain(|(_, answer)| !answer.is_closed());
                if batch.is_empty() {
                    continue;
                }
                let mut keys: Vec<K> = batch.iter().map(|(k, _)| k.clone()).collect();
                dedup(&mut keys);
                let read = read_many(reads.clone(), keys).await;
                batches.fetch_add(1, Ordering::Relaxed);
                for (key, answer) in batch.drain(..) {
                    let _ = answer.send(read.as_ref().ok().map(|all| all.get(&key).cloned()));
                }
            }
        });
        asks
    }
}

fn dedup<K: Clone + Eq + Hash>(keys: &mut Vec<K>) {
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    keys.retain(|k| seen.insert(k.clone()));
}

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list of `n` values.
pub fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_one() {
        assert_eq!(placeholders(3), "$1, $2, $3");
        assert_eq!(placeholders(1), "$1");
    }

    #[test]
    fn dedup_keeps_the_first_of_each() {
        let mut keys = vec![3, 1, 3, 2, 1];
        dedup(&mut keys);
        assert_eq!(keys, [3, 1, 2]);
    }
}
