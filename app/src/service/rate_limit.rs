//! A fixed-window counter per key, in process memory. Enough for one node;
//! the scale-out work moves the counters to Redis.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` has reached the limit, without counting a hit.
    pub fn is_exhausted(&self, key: &str) -> bool {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        matches!(windows.get(key), Some((start, n)) if now.duration_since(*start) < self.window && *n >= self.max)
    }

    /// Counts one hit; `false` when the key is over its limit.
    pub fn hit(&self, key: &str) -> bool {
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

    pub fn reset(&self, key: &str) {
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
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        assert!(limiter.hit("a") && limiter.hit("a") && limiter.hit("a"));
        assert!(!limiter.hit("a"));
        assert!(limiter.is_exhausted("a"));
        assert!(limiter.hit("b"), "other keys are unaffected");
    }

    #[test]
    fn window_expiry_resets_the_count() {
        let limiter = RateLimiter::new(1, Duration::from_millis(20));
        assert!(limiter.hit("a"));
        assert!(!limiter.hit("a"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.hit("a"));
    }
}
