//! What every service call needs: the database, the emitter and the
//! rate limiters. One `Arc`: cloning it for a request or a task is one
//! atomic increment, not one per part.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use crate::emit::Emitter;
use crate::service::client_addr::TrustedProxies;
use crate::service::clock::{self, Clock};
use crate::service::counters::{Counters, MemoryCounters};
use crate::service::fleet::Fleet;
use crate::service::rate_limit::RateLimiter;
use crate::service::replay_cache::ReplayCache;
use crate::service::stream_slots::StreamSlots;
use crate::store::Db;

#[derive(Clone)]
pub struct Ctx(Arc<Parts>);

/// What a [`Ctx`] holds. Startup builds and adjusts these, then freezes
/// them in a `Ctx`; service code reads them through it.
pub struct Parts {
    pub db: Db,
    pub emitter: Emitter,
    pub limits: Arc<Limits>,
    pub fleet: Arc<Fleet>,
    /// Who may tell us the client's address (`X-Forwarded-For`).
    pub proxies: Arc<TrustedProxies>,
    /// Event streams (SSE) per user.
    pub streams: Arc<StreamSlots>,
    /// What time it is (a test may move it by hand).
    pub clock: Arc<dyn Clock>,
    /// Catch-up reads shared by sockets that come back together.
    pub replays: Arc<ReplayCache>,
}

/// The throttles. Each is one fixed-window counter per key, in memory on
/// one node or in Redis when nodes share it (see `RateLimiter`).
pub struct Limits {
    /// Password checks per account. An attempt is reserved *before* the
    /// password is hashed, so parallel guesses count as much as serial ones;
    /// a sign-in that succeeds clears the count.
    pub password_checks_per_email: RateLimiter,
    /// Sign-in attempts per client address, across accounts.
    pub login_attempts_per_client: RateLimiter,
    /// New accounts per client address: each costs an argon2 hash.
    pub registrations_per_client: RateLimiter,
    /// Chat messages per user (every device and node together).
    pub chat_messages_per_user: RateLimiter,
    /// Orders per customer per minute; `None` when the operator lifted it.
    pub orders_per_customer: Option<RateLimiter>,
    /// Socket connections that replay missed events, per user per minute:
    /// each replay reads the log.
    pub replays_per_user: RateLimiter,
}

/// The limits an operator may tune (`mealstream serve --help`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LimitSettings {
    /// Orders one customer may place per minute; 0 lifts the limit (load tests).
    pub orders_per_minute: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            orders_per_minute: 10,
        }
    }
}

/// A limit: its name (in Redis keys and `/metrics`), hits, and window.
type Spec = (&'static str, u32, Duration);

const PASSWORD_CHECKS_PER_EMAIL: Spec = ("login-email", 5, Duration::from_secs(15 * 60));
// Generous: offices and mobile carriers put many people behind one address;
// accounts are protected by the per-email limit.
const LOGIN_ATTEMPTS_PER_CLIENT: Spec = ("login-client", 120, Duration::from_secs(60));
const REGISTRATIONS_PER_CLIENT: Spec = ("register", 10, Duration::from_secs(60 * 60));
const CHAT_PER_USER: Spec = ("chat", 5, Duration::from_secs(1));
// A user's 20 sockets (the per-user cap) may each come back six times a
// minute (tabs reloaded, phones between networks); a reconnect loop beyond
// that is refused until the window ends.
const REPLAYS_PER_USER: Spec = ("replay", 120, Duration::from_secs(60));

impl Limits {
    /// The limits, counted on `counters`: the node's memory, or Redis for
    /// every node at once (chosen at startup).
    pub fn new(settings: LimitSettings, counters: Arc<dyn Counters>) -> Self {
        let limiter =
            |(name, max, window): Spec| RateLimiter::new(name, max, window, counters.clone());
        let orders = settings.orders_per_minute;
        Self {
            password_checks_per_email: limiter(PASSWORD_CHECKS_PER_EMAIL),
            login_attempts_per_client: limiter(LOGIN_ATTEMPTS_PER_CLIENT),
            registrations_per_client: limiter(REGISTRATIONS_PER_CLIENT),
            chat_messages_per_user: limiter(CHAT_PER_USER),
            orders_per_customer: (orders > 0)
                .then(|| limiter(("orders", orders, Duration::from_secs(60)))),
            replays_per_user: limiter(REPLAYS_PER_USER),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(
            LimitSettings::default(),
            Arc::new(MemoryCounters::default()),
        )
    }
}

impl Ctx {
    pub fn new(db: Db) -> Self {
        Parts::new(db).into()
    }
}

impl From<Parts> for Ctx {
    fn from(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }
}

impl Deref for Ctx {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl Parts {
    /// The defaults: this process's memory for every limit and fleet.
    pub fn new(db: Db) -> Self {
        let clock = clock::system();
        Self {
            db,
            emitter: Emitter::default(),
            limits: Arc::new(Limits::default()),
            fleet: Arc::new(Fleet::with_clock(clock.clone())),
            clock,
            proxies: Arc::new(TrustedProxies::default()),
            streams: Arc::new(StreamSlots::default()),
            replays: Arc::new(ReplayCache::default()),
        }
    }
}

impl Ctx {
    /// Milliseconds since the Unix epoch, on this context's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}
