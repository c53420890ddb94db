//! A fixed-window limit per key, counted on the node's [`Counters`]: in
//! memory on one node, in Redis when nodes share it, so every node counts
//! against the same limit.

use std::sync::Arc;
use std::time::Duration;

use super::counters::Counters;
use model::error::AppError;

pub struct RateLimiter {
    /// The limit's name, in its keys and in `/metrics`
    /// (`mealstream_rate_limited_total{kind}`).
    name: &'static str,
    max: u32,
    window: Duration,
    counters: Arc<dyn Counters>,
}

impl RateLimiter {
    pub fn new(
        name: &'static str,
        max: u32,
        window: Duration,
        counters: Arc<dyn Counters>,
    ) -> Self {
        Self {
            name,
            max,
            window,
            counters,
        }
    }

    /// Hits allowed per window.
    pub fn max(&self) -> u32 {
        self.max
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.name)
    }

    /// Counts one hit, or refuses it: 429 with `message` and how long until
    /// the window ends, counted in `/metrics`.
    pub async fn check(&self, key: &str, message: &str) -> Result<(), AppError> {
        let key = self.key(key);
        if self.counters.hit(&key, self.window).await? <= self.max {
            return Ok(());
        }
        super::metrics::rate_limited(self.name);
        let left = self.counters.time_left(&key).await?.unwrap_or(self.window);
        Err(AppError::rate_limited(message, left))
    }

    pub async fn reset(&self, key: &str) -> Result<(), AppError> {
        self.counters.reset(&self.key(key)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::counters::MemoryCounters;

    #[tokio::test]
    async fn allows_max_hits_then_refuses_with_the_time_left() {
        let limiter = RateLimiter::new(
            "test",
            3,
            Duration::from_secs(60),
            Arc::new(MemoryCounters::default()),
        );
        for _ in 0..3 {
            limiter.check("a", "slow down").await.unwrap();
        }
        match limiter.check("a", "slow down").await {
            Err(AppError::RateLimited { retry_after, .. }) => {
                assert!((1..=60).contains(&retry_after), "{retry_after}")
            }
            other => panic!("expected 429, got {other:?}"),
        }
        limiter
            .check("b", "slow down")
            .await
            .expect("other keys are unaffected");
        limiter.reset("a").await.unwrap();
        limiter
            .check("a", "slow down")
            .await
            .expect("a reset clears the count");
    }
}
