//! What every service call needs: the database, the emitter and the
//! rate limiters. Cheap to clone.

use std::sync::Arc;
use std::time::Duration;

use crate::realtime::emit::Emitter;
use crate::service::fleet::Fleet;
use crate::service::rate_limit::RateLimiter;
use crate::store::Db;

#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub emitter: Emitter,
    pub limits: Arc<Limits>,
    pub fleet: Arc<Fleet>,
}

/// Login throttles: failures per email stop password guessing on one
/// account; attempts per client address stop spraying across accounts.
pub struct Limits {
    pub login_failures_per_email: RateLimiter,
    pub login_attempts_per_client: RateLimiter,
    /// Chat messages per user (every device and node together).
    pub chat_messages_per_user: RateLimiter,
}

const FAILURES_PER_EMAIL: (u32, Duration) = (5, Duration::from_secs(15 * 60));
// Generous: offices and mobile carriers put many people behind one address;
// accounts are protected by the per-email limit.
const ATTEMPTS_PER_CLIENT: (u32, Duration) = (120, Duration::from_secs(60));
const CHAT_PER_USER: (u32, Duration) = (5, Duration::from_secs(1));

impl Default for Limits {
    fn default() -> Self {
        Self {
            login_failures_per_email: RateLimiter::new(FAILURES_PER_EMAIL.0, FAILURES_PER_EMAIL.1),
            login_attempts_per_client: RateLimiter::new(
                ATTEMPTS_PER_CLIENT.0,
                ATTEMPTS_PER_CLIENT.1,
            ),
            chat_messages_per_user: RateLimiter::new(CHAT_PER_USER.0, CHAT_PER_USER.1),
        }
    }
}

impl Limits {
    /// The same limits, counted in Redis and so shared by every node.
    pub fn shared(pool: fred::prelude::Pool, prefix: &str) -> Self {
        let (n, w) = FAILURES_PER_EMAIL;
        let (m, v) = ATTEMPTS_PER_CLIENT;
        Self {
            login_failures_per_email: RateLimiter::shared(
                n,
                w,
                pool.clone(),
                prefix,
                "login-failures",
            ),
            login_attempts_per_client: RateLimiter::shared(
                m,
                v,
                pool.clone(),
                prefix,
                "login-attempts",
            ),
            chat_messages_per_user: RateLimiter::shared(
                CHAT_PER_USER.0,
                CHAT_PER_USER.1,
                pool,
                prefix,
                "chat",
            ),
        }
    }
}

impl Ctx {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            emitter: Emitter::default(),
            limits: Arc::new(Limits::default()),
            fleet: Arc::new(Fleet::default()),
        }
    }
}
