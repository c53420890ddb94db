//! The login session store: Redis when `REDIS_URL` is set (shared by every
//! node), process memory otherwise. One layer wraps the whole router, the
//! Socket.IO layer included, so a socket handshake sees the same session as
//! an HTTP request.

use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use fred::prelude::{
    ClientLike, Config as RedisConfig, ConnectionConfig, PerformanceConfig, Pool, ReconnectPolicy,
};
use time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_redis_store::RedisStore;

pub const COOKIE_NAME: &str = "mealstream.sid";
/// Over https the cookie is `__Host-` prefixed: browsers then insist on
/// `Secure`, `Path=/` and no `Domain`, so no subdomain can plant or read it.
pub const SECURE_COOKIE_NAME: &str = "__Host-mealstream.sid";

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}
/// A session ends after a week without use.
pub const IDLE_EXPIRY: Duration = Duration::days(7);

/// The store, chosen once at startup.
#[derive(Clone, Debug)]
pub struct Sessions(Arc<dyn SessionStore>);

impl Sessions {
    pub async fn connect(redis: Option<&Pool>) -> Sessions {
        match redis {
            Some(pool) => Sessions(Arc::new(RedisStore::new(pool.clone()))),
            None => Sessions(Arc::new(SweptMemoryStore::new())),
        }
    }

    /// Whether the session with `id` is still in the store. A request's
    /// `Session` caches the record it loaded; this asks the store, so a
    /// connection that outlives its request notices a sign-out, or a
    /// sign-in over it (which deletes the old id), made since. `None`, a
    /// session not saved yet, is not stored.
    pub async fn holds(&self, id: Option<Id>) -> session_store::Result<bool> {
        match id {
            Some(id) => Ok(self.0.load(&id).await?.is_some()),
            None => Ok(false),
        }
    }

    pub fn layer(self, secure: bool) -> SessionManagerLayer<Sessions> {
        SessionManagerLayer::new(self)
            .with_name(cookie_name(secure))
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
    pool.init().await.with_context(|| {
        format!(
            "cannot connect to Redis at {}",
            mealstream_core::store::db::redact_url(url)
        )
    })?;
    Ok(pool)
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.0.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.0.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(id).await
    }
}

/// Sessions in process memory (one node, no Redis). Unlike tower-sessions'
/// `MemoryStore` it forgets expired sessions: a sweep every minute, while
/// the store is in use, so abandoned sessions do not pile up.
#[derive(Clone, Debug, Default)]
pub struct SweptMemoryStore(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<Id, Record>>>,
);

impl SweptMemoryStore {
    pub fn new() -> Self {
        let store = Self::default();
        let weak = std::sync::Arc::downgrade(&store.0);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                let Some(map) = weak.upgrade() else { return };
                SweptMemoryStore(map).sweep();
            }
        });
        store
    }

    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<Id, Record>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops every expired session; returns how many are left.
    pub fn sweep(&self) -> usize {
        let now = time::OffsetDateTime::now_utc();
        let mut map = self.map();
        map.retain(|_, record| record.expiry_date > now);
        map.len()
    }
}

#[async_trait]
impl SessionStore for SweptMemoryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut map = self.map();
        while map.contains_key(&record.id) {
            record.id = Id::default();
        }
        map.insert(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.map().insert(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc();
        Ok(self
            .map()
            .get(id)
            .filter(|record| record.expiry_date > now)
            .cloned())
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.map().remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_in: Duration) -> Record {
        Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: time::OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn the_memory_store_forgets_expired_sessions() {
        let store = SweptMemoryStore::new();
        let mut live = record(Duration::days(1));
        let mut stale = record(Duration::seconds(-1));
        store.create(&mut live).await.unwrap();
        store.create(&mut stale).await.unwrap();
        assert!(
            store.load(&stale.id).await.unwrap().is_none(),
            "never served"
        );
        assert_eq!(store.sweep(), 1, "and gone after the sweep");
        assert!(store.load(&live.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_session_signed_in_over_is_no_longer_held() {
        let sessions = Sessions::connect(None).await;
        let session = tower_sessions::Session::new(None, Arc::new(sessions.clone()), None);
        assert!(
            !sessions.holds(session.id()).await.unwrap(),
            "not saved yet"
        );
        session.insert("user_id", 1).await.unwrap();
        session.save().await.unwrap();
        let first = session.id();
        assert!(sessions.holds(first).await.unwrap());
        // What a sign-in does to the session it arrives on.
        session.cycle_id().await.unwrap();
        assert!(
            !sessions.holds(first).await.unwrap(),
            "the old id is gone as soon as the id is cycled"
        );
        session.save().await.unwrap();
        let second = session.id();
        assert!(sessions.holds(second).await.unwrap());
        // What a sign-out does.
        session.flush().await.unwrap();
        assert!(!sessions.holds(second).await.unwrap());
    }
}
