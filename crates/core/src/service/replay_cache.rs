//! Sockets that come back together ask for the same missed events: ten
//! tabs of one customer after a network blip, every device of a kitchen
//! after a node restart. The first catch-up read of a (rooms, cursor) is
//! shared with every identical read that starts while it runs or within
//! [`TTL`] after it: one log query instead of one per socket.
//!
//! Sharing a read is safe for the replay protocol: a reader compares the
//! read's horizon with the log tail's cursor under the emission turn, and
//! reads on from the horizon when the tail has moved past it, exactly as
//! when the read was its own.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::events::LoggedEvent;
use model::error::AppError;
use model::EventId;

/// How long a read is shared after it began.
pub const TTL: Duration = Duration::from_secs(2);

/// A catch-up read: the events, the horizon they cover, and how far
/// retention had pruned the log (read in the same statement as the horizon).
#[derive(Clone, Debug)]
pub struct Read {
    pub events: Arc<[LoggedEvent]>,
    pub horizon: EventId,
    pub pruned_through: EventId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub rooms: Vec<String>,
    pub after: EventId,
    pub limit: i64,
}

type Slot = Arc<OnceCell<Read>>;

#[derive(Default)]
pub struct ReplayCache {
    reads: Mutex<Reads>,
}

#[derive(Default)]
struct Reads {
    by_key: HashMap<Key, (Instant, Slot)>,
    swept: Option<Instant>,
}

impl ReplayCache {
    /// The shared result of `read` for `key`: run once by the first caller,
    /// awaited by the others. A failed read is not kept: the next caller
    /// runs its own.
    pub async fn read<F>(&self, key: Key, read: F) -> Result<Read, AppError>
    where
        F: Future<Output = Result<Read, AppError>>,
    {
        let slot = self.slot(key, Instant::now());
        let mut ran = false;
        let shared = slot
            .get_or_try_init(|| async {
                ran = true;
                read.await
            })
            .await
            .cloned();
        if shared.is_ok() {
            super::metrics::replay_read(!ran);
        }
        shared
    }

    fn slot(&self, key: Key, now: Instant) -> Slot {
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        // Forget old reads at most once per TTL: a sweep walks every key.
        if reads.swept.is_none_or(|at| now.duration_since(at) >= TTL) {
            reads
                .by_key
                .retain(|_, (began, _)| now.duration_since(*began) < TTL);
            reads.swept = Some(now);
        }
        match reads.by_key.get(&key) {
            Some((began, slot)) if now.duration_since(*began) < TTL => slot.clone(),
            _ => {
                let slot = Slot::default();
                reads.by_key.insert(key, (now, slot.clone()));
                slot
            }
        }
    }

    /// Reads kept right now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_key
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn empty(horizon: i64) -> Result<Read, AppError> {
        Ok(Read {
            events: Arc::from(Vec::new()),
            horizon: EventId(horizon),
            pruned_through: EventId(0),
        })
    }

    fn key(after: i64) -> Key {
        Key {
            rooms: vec!["user:1".into(), "role:customer".into()],
            after: EventId(after),
            limit: 1000,
        }
    }

    #[tokio::test]
    async fn identical_reads_that_start_together_share_one_query() {
        let cache = Arc::new(ReplayCache::default());
        let queries = Arc::new(AtomicUsize::new(0));
        let mut readers = Vec::new();
        for _ in 0..10 {
            let (cache, queries) = (cache.clone(), queries.clone());
            readers.push(tokio::spawn(async move {
                cache
                    .read(key(5), async {
                        queries.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        empty(42)
                    })
                    .await
            }));
        }
        for reader in readers {
            let read = reader.await.unwrap().unwrap();
            assert!(read.events.is_empty());
            assert_eq!(read.horizon, EventId(42));
        }
        assert_eq!(queries.load(Ordering::SeqCst), 1);
        // Another cursor is another read.
        let read = cache.read(key(6), async { empty(7) }).await.unwrap();
        assert_eq!(read.horizon, EventId(7));
        assert_eq!(cache.len(), 2);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept_and_an_old_one_is_not_served() {
        let cache = ReplayCache::default();
        let failed = cache
            .read(key(1), async {
                Err(AppError::Internal(anyhow::anyhow!("log unreadable")))
            })
            .await;
        assert!(failed.is_err());
        let read = cache.read(key(1), async { empty(9) }).await.unwrap();
        assert_eq!(read.horizon, EventId(9), "the next caller ran its own read");

        // Past the TTL the same key reads again.
        let slot = cache.slot(key(1), Instant::now() + TTL);
        assert!(slot.get().is_none());
    }
}
