//! The login session store: Redis when `REDIS_URL` is set (shared by every
//! node), process memory otherwise. One layer wraps the whole router, the
//! Socket.IO layer included, so a socket handshake sees the same session as
//! an HTTP request.

use anyhow::Context;
use async_trait::async_trait;
use fred::prelude::{
    ClientLike, Config as RedisConfig, ConnectionConfig, PerformanceConfig, Pool, ReconnectPolicy,
};
use time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};
use tower_sessions_redis_store::RedisStore;

pub const COOKIE_NAME: &str = "mealstream.sid";
/// A session ends after a week without use.
pub const IDLE_EXPIRY: Duration = Duration::days(7);

#[derive(Clone, Debug)]
pub enum Sessions {
    Memory(MemoryStore),
    Redis(RedisStore<Pool>),
}

impl Sessions {
    pub async fn connect(redis: Option<&Pool>) -> Sessions {
        match redis {
            Some(pool) => Sessions::Redis(RedisStore::new(pool.clone())),
            None => Sessions::Memory(MemoryStore::default()),
        }
    }

    pub fn layer(self, secure: bool) -> SessionManagerLayer<Sessions> {
        SessionManagerLayer::new(self)
            .with_name(COOKIE_NAME)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(secure)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(IDLE_EXPIRY))
    }
}

/// A Redis pool that reconnects by itself after an outage.
pub async fn redis_pool(url: &str) -> anyhow::Result<Pool> {
    let config = RedisConfig::from_url(url).context("invalid REDIS_URL")?;
    // While Redis is away a command fails after two seconds (a 503 for the
    // caller) instead of waiting in fred's queue for the reconnection.
    let performance = PerformanceConfig {
        default_command_timeout: std::time::Duration::from_secs(2),
        ..Default::default()
    };
    let connection = ConnectionConfig {
        connection_timeout: std::time::Duration::from_secs(2),
        internal_command_timeout: std::time::Duration::from_secs(2),
        ..Default::default()
    };
    let pool = Pool::new(
        config,
        Some(performance),
        Some(connection),
        Some(ReconnectPolicy::new_exponential(0, 100, 2_000, 2)),
        4,
    )
    .context("cannot create the Redis pool")?;
    pool.init()
        .await
        .with_context(|| format!("cannot connect to Redis at {url}"))?;
    Ok(pool)
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Memory(s) => s.create(record).await,
            Sessions::Redis(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Memory(s) => s.save(record).await,
            Sessions::Redis(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Memory(s) => s.load(id).await,
            Sessions::Redis(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Memory(s) => s.delete(id).await,
            Sessions::Redis(s) => s.delete(id).await,
        }
    }
}
