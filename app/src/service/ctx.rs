//! What every service call needs: the database, the emitter and the
//! rate limiters. Cheap to clone.

use std::sync::Arc;

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
}

impl Default for Limits {
    fn default() -> Self {
        use std::time::Duration;
        Self {
            login_failures_per_email: RateLimiter::new(5, Duration::from_secs(15 * 60)),
            login_attempts_per_client: RateLimiter::new(30, Duration::from_secs(60)),
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
