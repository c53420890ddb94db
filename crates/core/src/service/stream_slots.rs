//! How many event streams (SSE) a user holds at once, on every node
//! together when Redis is shared. Each stream reads the log: without a cap
//! one user could open hundreds and keep the database busy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fred::prelude::{KeysInterface, Pool};

use model::error::AppError;
use model::UserId;

/// Streams per user.
pub const MAX_STREAMS_PER_USER: u32 = 10;
/// A shared count outlives a node that died holding slots by at most this;
/// live streams refresh it (`keep`) well within it.
const SHARED_TTL: Duration = Duration::from_secs(60);

pub struct StreamSlots {
    max: u32,
    held: Arc<dyn Held>,
}

/// One stream's place; given back when the stream ends (dropped).
pub struct Slot {
    slots: Arc<StreamSlots>,
    user_id: UserId,
}

/// How many streams each user holds: the backplane behind the cap, in
/// this process's memory on one node, in Redis when nodes share it.
/// Chosen once at startup.
#[async_trait::async_trait]
pub trait Held: Send + Sync {
    /// One more for `user_id` unless they hold `max`: whether it was taken.
    async fn take(&self, user_id: UserId, max: u32) -> Result<bool, AppError>;
    /// Gives one back. Called from a destructor: it must not wait.
    fn give_back(&self, user_id: UserId);
    /// Keeps a shared count alive while its streams are.
    async fn keep(&self, user_id: UserId);
}

/// One node's counts.
#[derive(Default)]
pub struct MemoryHeld(Mutex<HashMap<UserId, u32>>);

impl MemoryHeld {
    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, u32>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait::async_trait]
impl Held for MemoryHeld {
    async fn take(&self, user_id: UserId, max: u32) -> Result<bool, AppError> {
        let mut counts = self.counts();
        let held = counts.entry(user_id).or_default();
        if *held >= max {
            return Ok(false);
        }
        *held += 1;
        Ok(true)
    }

    fn give_back(&self, user_id: UserId) {
        let mut counts = self.counts();
        if let Some(held) = counts.get_mut(&user_id) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                counts.remove(&user_id);
            }
        }
    }

    async fn keep(&self, _user_id: UserId) {}
}

/// Every node's counts, one key per user (`{deployment}:sse:{user}`) that
/// expires unless its streams keep it.
pub struct RedisHeld {
    pool: Pool,
    prefix: String,
}

impl RedisHeld {
    pub fn new(pool: Pool, prefix: &str) -> Self {
        Self {
            pool,
            prefix: format!("{prefix}:sse"),
        }
    }

    fn key(&self, user_id: UserId) -> String {
        format!("{}:{user_id}", self.prefix)
    }
}

#[async_trait::async_trait]
impl Held for RedisHeld {
    async fn take(&self, user_id: UserId, max: u32) -> Result<bool, AppError> {
        let key = self.key(user_id);
        let held: u32 = self.pool.incr(&key).await.map_err(unavailable)?;
        self.pool
            .pexpire::<(), _>(&key, SHARED_TTL.as_millis() as i64, None)
            .await
            .map_err(unavailable)?;
        if held > max {
            let _: Result<i64, _> = self.pool.decr(&key).await;
            return Ok(false);
        }
        Ok(true)
    }

    fn give_back(&self, user_id: UserId) {
        let (pool, key) = (self.pool.clone(), self.key(user_id));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _: Result<i64, _> = pool.decr(&key).await;
            });
        }
    }

    async fn keep(&self, user_id: UserId) {
        let _: Result<(), _> = self
            .pool
            .pexpire(self.key(user_id), SHARED_TTL.as_millis() as i64, None)
            .await;
    }
}

impl Default for StreamSlots {
    fn default() -> Self {
        Self::new(Arc::new(MemoryHeld::default()))
    }
}

impl StreamSlots {
    /// The cap over `held`, chosen once at startup.
    pub fn new(held: Arc<dyn Held>) -> Self {
        Self {
            max: MAX_STREAMS_PER_USER,
            held,
        }
    }

    fn refused() -> AppError {
        super::metrics::rate_limited("sse");
        AppError::rate_limited(
            format!("at most {MAX_STREAMS_PER_USER} event streams at once; close one first"),
            Duration::from_secs(5),
        )
    }

    /// A slot for one more stream of `user_id`, or 429.
    pub async fn take(self: &Arc<Self>, user_id: UserId) -> Result<Slot, AppError> {
        if !self.held.take(user_id, self.max).await? {
            return Err(Self::refused());
        }
        Ok(Slot {
            slots: self.clone(),
            user_id,
        })
    }

    /// Keeps a shared count alive while its streams are.
    pub async fn keep(&self, user_id: UserId) {
        self.held.keep(user_id).await
    }
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "stream counters unavailable");
    AppError::Unavailable
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.held.give_back(self.user_id);
    }
}
