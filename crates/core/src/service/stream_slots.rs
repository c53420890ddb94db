//! How many event streams (SSE) a user holds at once, on every node
//! together when Redis is shared. Each stream reads the log: without a cap
//! one user could open hundreds and keep the database busy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fred::prelude::{KeysInterface, Pool};

use model::error::AppError;

/// Streams per user.
pub const MAX_STREAMS_PER_USER: u32 = 10;
/// A shared count outlives a node that died holding slots by at most this;
/// live streams refresh it (`keep`) well within it.
const SHARED_TTL: Duration = Duration::from_secs(60);

pub struct StreamSlots {
    max: u32,
    local: Mutex<HashMap<i64, u32>>,
    /// Redis and the key prefix (`{deployment}:sse`), when shared.
    shared: Option<(Pool, String)>,
}

/// One stream's place; given back when the stream ends (dropped).
pub struct Slot {
    slots: Arc<StreamSlots>,
    user_id: i64,
}

impl Default for StreamSlots {
    fn default() -> Self {
        Self {
            max: MAX_STREAMS_PER_USER,
            local: Mutex::new(HashMap::new()),
            shared: None,
        }
    }
}

impl StreamSlots {
    pub fn shared(pool: Pool, prefix: &str) -> Self {
        Self {
            shared: Some((pool, format!("{prefix}:sse"))),
            ..Self::default()
        }
    }

    fn key(prefix: &str, user_id: i64) -> String {
        format!("{prefix}:{user_id}")
    }

    fn refused() -> AppError {
        super::metrics::rate_limited("sse");
        AppError::rate_limited(
            format!("at most {MAX_STREAMS_PER_USER} event streams at once; close one first"),
            Duration::from_secs(5),
        )
    }

    /// A slot for one more stream of `user_id`, or 429.
    pub async fn take(self: &Arc<Self>, user_id: i64) -> Result<Slot, AppError> {
        match &self.shared {
            None => {
                let mut local = self.local.lock().unwrap_or_else(|p| p.into_inner());
                let held = local.entry(user_id).or_default();
                if *held >= self.max {
                    return Err(Self::refused());
                }
                *held += 1;
            }
            Some((pool, prefix)) => {
                let key = Self::key(prefix, user_id);
                let held: u32 = pool.incr(&key).await.map_err(unavailable)?;
                pool.pexpire::<(), _>(&key, SHARED_TTL.as_millis() as i64, None)
                    .await
                    .map_err(unavailable)?;
                if held > self.max {
                    let _: Result<i64, _> = pool.decr(&key).await;
                    return Err(Self::refused());
                }
            }
        }
        Ok(Slot {
            slots: self.clone(),
            user_id,
        })
    }

    /// Keeps a shared count alive while its streams are.
    pub async fn keep(&self, user_id: i64) {
        if let Some((pool, prefix)) = &self.shared {
            let _: Result<(), _> = pool
                .pexpire(
                    Self::key(prefix, user_id),
                    SHARED_TTL.as_millis() as i64,
                    None,
                )
                .await;
        }
    }
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "stream counters unavailable");
    AppError::Unavailable
}

impl Drop for Slot {
    fn drop(&mut self) {
        match &self.slots.shared {
            None => {
                let mut local = self.slots.local.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(held) = local.get_mut(&self.user_id) {
                    *held = held.saturating_sub(1);
                    if *held == 0 {
                        local.remove(&self.user_id);
                    }
                }
            }
            Some((pool, prefix)) => {
                let (pool, key) = (pool.clone(), StreamSlots::key(prefix, self.user_id));
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        let _: Result<i64, _> = pool.decr(&key).await;
                    });
                }
            }
        }
    }
}
