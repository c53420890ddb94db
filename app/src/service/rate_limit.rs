//! A fixed-window counter per key: in process memory on one node, in
//! Redis when `REDIS_URL` is set, so every node counts against the same
//! limit (`INCR`, then `PEXPIRE key window NX`: the window starts with the
//! first hit and the key expires with it).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fred::prelude::{KeysInterface, Pool};
use fred::types::ExpireOptions;

use crate::error::AppError;

pub struct RateLimiter {
    /// The limit's name in `/metrics` (`mealstream_rate_limited_total{limit}`).
    name: &'static str,
    max: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// Redis and the key prefix (`{deployment}:rl:{limit name}`), when shared.
    shared: Option<(Pool, String)>,
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "rate-limit counters unavailable");
    AppError::Unavailable
}

impl RateLimiter {
    /// Hits allowed per window.
    pub fn max(&self) -> u32 {
        self.max
    }

    pub fn new(name: &'static str, max: u32, window: Duration) -> Self {
        Self {
            name,
            max,
            window,
            windows: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// The same limit, counted in Redis under `{prefix}:rl:{name}:*`.
    pub fn shared(
        name: &'static str,
        max: u32,
        window: Duration,
        pool: Pool,
        prefix: &str,
    ) -> Self {
        Self {
            shared: Some((pool, format!("{prefix}:rl:{name}"))),
            ..Self::new(name, max, window)
        }
    }

    /// Counts one hit, or refuses it: 429 with `message` and how long until
    /// the window ends, counted in `/metrics`.
    pub async fn check(&self, key: &str, message: &str) -> Result<(), AppError> {
        if self.hit(key).await? {
            return Ok(());
        }
        super::metrics::rate_limited(self.name);
        Err(AppError::rate_limited(message, self.retry_after(key).await))
    }

    /// How long until `key`'s window ends (the whole window if unknown).
    async fn retry_after(&self, key: &str) -> Duration {
        let Some((pool, prefix)) = &self.shared else {
            let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
            return windows
                .get(key)
                .map(|(start, _)| self.window.saturating_sub(start.elapsed()))
                .unwrap_or(self.window);
        };
        let left: Result<i64, _> = pool.pttl(format!("{prefix}:{key}")).await;
        match left {
            Ok(ms) if ms > 0 => Duration::from_millis(ms as u64),
            _ => self.window,
        }
    }

    /// Counts one hit; `false` when the key is over its limit.
    pub async fn hit(&self, key: &str) -> Result<bool, AppError> {
        let Some((pool, prefix)) = &self.shared else {
            return Ok(self.hit_local(key));
        };
        let key = format!("{prefix}:{key}");
        let count: u32 = pool.incr(&key).await.map_err(unavailable)?;
        // Every hit makes sure the key expires (NX: only if it has no expiry
        // yet), so a counter can never outlive its window, even if a node
        // died between the two commands.
        pool.pexpire::<(), _>(
            &key,
            self.window.as_millis() as i64,
            Some(ExpireOptions::NX),
        )
        .await
        .map_err(unavailable)?;
        Ok(count <= self.max)
    }

    pub async fn reset(&self, key: &str) -> Result<(), AppError> {
        let Some((pool, prefix)) = &self.shared else {
            self.reset_local(key);
            return Ok(());
        };
        pool.del::<(), _>(format!("{prefix}:{key}"))
            .await
            .map_err(unavailable)
    }

    #[cfg(test)]
    fn is_exhausted_local(&self, key: &str) -> bool {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        matches!(windows.get(key), Some((start, n)) if now.duration_since(*start) < self.window && *n >= self.max)
    }

    fn hit_local(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.max
    }

    fn reset_local(&self, key: &str) {
        self.windows
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_hits_then_refuses() {
        let limiter = RateLimiter::new("test", 3, Duration::from_secs(60));
        assert!(limiter.hit_local("a") && limiter.hit_local("a") && limiter.hit_local("a"));
        assert!(!limiter.hit_local("a"));
        assert!(limiter.is_exhausted_local("a"));
        assert!(limiter.hit_local("b"), "other keys are unaffected");
    }

    #[test]
    fn window_expiry_resets_the_count() {
        let limiter = RateLimiter::new("test", 1, Duration::from_millis(20));
        assert!(limiter.hit_local("a"));
        assert!(!limiter.hit_local("a"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.hit_local("a"));
    }
}
