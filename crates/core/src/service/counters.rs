//! Windowed counters, the backplane behind every rate limit: in this
//! process's memory on one node, in Redis when nodes share it. Chosen once
//! at startup (`Limits::new`); a limit never asks which one it has.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fred::prelude::{KeysInterface, Pool};
use fred::types::ExpireOptions;

use model::error::AppError;

#[async_trait::async_trait]
pub trait Counters: Send + Sync {
    /// Counts one hit on `key` in a fixed window that starts with its
    /// first hit; returns the hits so far in the window, this one included.
    async fn hit(&self, key: &str, window: Duration) -> Result<u32, AppError>;
    /// How long until `key`'s window ends, if it has one.
    async fn time_left(&self, key: &str) -> Result<Option<Duration>, AppError>;
    /// Forgets `key`'s count.
    async fn reset(&self, key: &str) -> Result<(), AppError>;
}

/// One node's counters.
#[derive(Default)]
pub struct MemoryCounters {
    windows: Mutex<HashMap<String, Window>>,
}

struct Window {
    start: Instant,
    length: Duration,
    hits: u32,
}

impl Window {
    fn is_over(&self, now: Instant) -> bool {
        now.duration_since(self.start) >= self.length
    }
}

/// Keys kept before the ended windows are swept out.
const SWEEP_AT: usize = 10_000;

impl MemoryCounters {
    fn windows(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait::async_trait]
impl Counters for MemoryCounters {
    async fn hit(&self, key: &str, window: Duration) -> Result<u32, AppError> {
        let now = Instant::now();
        let mut windows = self.windows();
        if windows.len() > SWEEP_AT {
            windows.retain(|_, w| !w.is_over(now));
        }
        let w = windows.entry(key.to_owned()).or_insert(Window {
            start: now,
            length: window,
            hits: 0,
        });
        if w.is_over(now) {
            *w = Window {
                start: now,
                length: window,
                hits: 0,
            };
        }
        w.hits += 1;
        Ok(w.hits)
    }

    async fn time_left(&self, key: &str) -> Result<Option<Duration>, AppError> {
        let now = Instant::now();
        Ok(self
            .windows()
            .get(key)
            .filter(|w| !w.is_over(now))
            .map(|w| w.length.saturating_sub(now.duration_since(w.start))))
    }

    async fn reset(&self, key: &str) -> Result<(), AppError> {
        self.windows().remove(key);
        Ok(())
    }
}

/// Every node's counters, in Redis under `{prefix}:rl:*`: `INCR`, then
/// `PEXPIRE … NX`, so the window starts with the first hit and a key never
/// outlives it, even if a node died between the two commands.
pub struct RedisCounters {
    pool: Pool,
    prefix: String,
}

impl RedisCounters {
    pub fn new(pool: Pool, prefix: &str) -> Self {
        Self {
            pool,
            prefix: format!("{prefix}:rl"),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "rate-limit counters unavailable");
    AppError::Unavailable
}

#[async_trait::async_trait]
impl Counters for RedisCounters {
    async fn hit(&self, key: &str, window: Duration) -> Result<u32, AppError> {
        let key = self.key(key);
        let hits: u32 = self.pool.incr(&key).await.map_err(unavailable)?;
        self.pool
            .pexpire::<(), _>(&key, window.as_millis() as i64, Some(ExpireOptions::NX))
            .await
            .map_err(unavailable)?;
        Ok(hits)
    }

    async fn time_left(&self, key: &str) -> Result<Option<Duration>, AppError> {
        let left: i64 = self.pool.pttl(self.key(key)).await.map_err(unavailable)?;
        Ok((left > 0).then(|| Duration::from_millis(left as u64)))
    }

    async fn reset(&self, key: &str) -> Result<(), AppError> {
        self.pool
            .del::<(), _>(self.key(key))
            .await
            .map_err(unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_window_counts_its_hits_then_starts_afresh() {
        let counters = MemoryCounters::default();
        let window = Duration::from_millis(30);
        assert_eq!(counters.hit("a", window).await.unwrap(), 1);
        assert_eq!(counters.hit("a", window).await.unwrap(), 2);
        assert_eq!(counters.hit("b", window).await.unwrap(), 1, "keys apart");
        assert!(counters.time_left("a").await.unwrap().unwrap() <= window);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(counters.time_left("a").await.unwrap(), None);
        assert_eq!(counters.hit("a", window).await.unwrap(), 1);
        counters.reset("a").await.unwrap();
        assert_eq!(counters.hit("a", window).await.unwrap(), 1);
    }
}
