//! The sockets each user holds: at most [`SOCKETS_PER_USER`], and a new
//! one closes the oldest. On one node they are counted in memory. With
//! Redis, every node counts in one sorted set per user (member
//! `node|sid`, score: when it connected), so the cap holds across nodes; a
//! node keeps a heartbeat key alive, and the sockets of a node whose
//! heartbeat lapsed (it died without closing them) stop counting.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fred::prelude::{Expiration, KeysInterface, LuaInterface, Pool, SortedSetsInterface};
use mealstream_core::emit::Emitter;
use model::rooms::Room;
use model::UserId;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::socket::Sid;
use socketioxide::SocketIo;

/// Sockets one user may hold, on every node together.
pub const SOCKETS_PER_USER: usize = 20;
/// A node's heartbeat lives this long and is renewed every third of it.
const HEARTBEAT_TTL: Duration = Duration::from_secs(30);

/// Adds `ARGV[4]` (score `ARGV[3]`) to the user's set, drops the members
/// of nodes without a heartbeat (`ARGV[2]` .. node), and removes and
/// returns the oldest beyond `ARGV[1]`. One script: two connects racing
/// cannot both close a socket for the same excess.
const ADMIT: &str = r#"
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], 86400000)
local live = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local node = string.match(m, '^([^|]+)|')
  if node and redis.call('EXISTS', ARGV[2] .. node) == 1 then
    live[#live + 1] = m
  else
    redis.call('ZREM', KEYS[1], m)
  end
end
local excess = {}
for i = 1, #live - tonumber(ARGV[1]) do
  excess[i] = live[i]
  redis.call('ZREM', KEYS[1], live[i])
end
return excess
"#;

/// Where the sockets are counted: chosen once, at startup.
#[async_trait::async_trait]
trait Registry: Send + Sync {
    /// Counts `sid` for `user_id`; returns the sockets to close, oldest
    /// first, to stay within the limit.
    async fn add(&self, user_id: UserId, sid: Sid) -> Result<Vec<Sid>, fred::error::Error>;
    /// The socket is gone.
    async fn remove(&self, user_id: UserId, sid: Sid) -> Result<(), fred::error::Error>;
}

/// One node's sockets, oldest first.
#[derive(Default)]
struct MemoryRegistry(Mutex<HashMap<UserId, VecDeque<Sid>>>);

#[async_trait::async_trait]
impl Registry for MemoryRegistry {
    async fn add(&self, user_id: UserId, sid: Sid) -> Result<Vec<Sid>, fred::error::Error> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.entry(user_id).or_default();
        list.push_back(sid);
        let excess = list.len().saturating_sub(SOCKETS_PER_USER);
        Ok(list.drain(..excess).collect())
    }

    async fn remove(&self, user_id: UserId, sid: Sid) -> Result<(), fred::error::Error> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = map.get_mut(&user_id) {
            list.retain(|s| *s != sid);
            if list.is_empty() {
                map.remove(&user_id);
            }
        }
        Ok(())
    }
}

#[derive(Clone)]
pub struct UserSockets(Arc<dyn Registry>);

impl Default for UserSockets {
    fn default() -> Self {
        Self(Arc::new(MemoryRegistry::default()))
    }
}

/// Every node's sockets, in Redis.
struct RedisRegistry {
    pool: Pool,
    prefix: String,
    node: String,
}

impl RedisRegistry {
    fn user_key(&self, user_id: UserId) -> String {
        format!("{}:sockets:{user_id}", self.prefix)
    }

    fn node_prefix(&self) -> String {
        format!("{}:node:", self.prefix)
    }

    async fn heartbeat(&self) -> Result<(), fred::error::Error> {
        self.pool
            .set(
                format!("{}{}", self.node_prefix(), self.node),
                1,
                Some(Expiration::PX(HEARTBEAT_TTL.as_millis() as i64)),
                None,
                false,
            )
            .await
    }
}

#[async_trait::async_trait]
impl Registry for RedisRegistry {
    async fn add(&self, user_id: UserId, sid: Sid) -> Result<Vec<Sid>, fred::error::Error> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let excess: Vec<String> = self
            .pool
            .eval(
                ADMIT,
                vec![self.user_key(user_id)],
                vec![
                    SOCKETS_PER_USER.to_string(),
                    self.node_prefix(),
                    now.to_string(),
                    format!("{}|{sid}", self.node),
                ],
            )
            .await?;
        Ok(excess
            .iter()
            .filter_map(|m| m.split_once('|')?.1.parse().ok())
            .collect())
    }

    async fn remove(&self, user_id: UserId, sid: Sid) -> Result<(), fred::error::Error> {
        self.pool
            .zrem(self.user_key(user_id), format!("{}|{sid}", self.node))
            .await
    }
}

/// A random id for this process: `RandomState` is seeded from the OS.
fn node_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

impl UserSockets {
    /// Counted in Redis under `{prefix}:sockets:*`, with this node's
    /// heartbeat renewed until the node shuts down.
    pub async fn shared(
        pool: Pool,
        prefix: &str,
        emitter: &Emitter,
    ) -> Result<Self, fred::error::Error> {
        let shared = Arc::new(RedisRegistry {
            pool,
            prefix: prefix.to_owned(),
            node: node_id(),
        });
        shared.heartbeat().await?;
        let beating = shared.clone();
        let emitter = emitter.clone();
        tokio::spawn(async move {
            emitter
                .every(HEARTBEAT_TTL / 3, || async {
                    if let Err(e) = beating.heartbeat().await {
                        tracing::warn!(error = %e, "socket registry heartbeat failed; retrying");
                    }
                })
                .await;
        });
        Ok(Self(shared))
    }

    /// The socket is gone: it no longer counts.
    pub async fn remove(&self, user_id: UserId, sid: Sid) {
        if let Err(e) = self.0.remove(user_id, sid).await {
            // It stops counting when this node's heartbeat lapses.
            tracing::warn!(error = %e, "could not unregister a socket");
        }
    }

    /// Counts the new socket of `user_id` and closes the oldest beyond the
    /// limit, on whichever node they are. The caller calls
    /// [`remove`](Self::remove) when it goes.
    pub async fn admit<A: Adapter>(&self, io: &SocketIo<A>, s: &SocketRef<A>, user_id: UserId) {
        let excess = match self.0.add(user_id, s.id).await {
            Ok(excess) => excess,
            Err(e) => {
                // Redis is away: admit uncounted rather than refuse.
                tracing::warn!(error = %e, "socket cap unchecked: registry unavailable");
                Vec::new()
            }
        };
        let mut elsewhere = Vec::new();
        for old in excess {
            match io.get_socket(old) {
                Some(old) => {
                    tracing::info!(user_id = user_id.0, socket = %old.id, "over {SOCKETS_PER_USER} sockets: closing the oldest");
                    let _ = old.disconnect();
                }
                None => elsewhere.push(old),
            }
        }
        if elsewhere.is_empty() {
            return;
        }
        match io.to(Room::user(user_id)).fetch_sockets().await {
            Ok(sockets) => {
                for old in sockets
                    .into_iter()
                    .filter(|r| elsewhere.contains(&r.data().id))
                {
                    tracing::info!(user_id = user_id.0, socket = %old.data().id, "over {SOCKETS_PER_USER} sockets: closing the oldest, on another node");
                    if let Err(e) = old.disconnect().await {
                        tracing::warn!(error = %e, "could not close a socket on another node");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not reach the other nodes' sockets"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_oldest_sockets_go_beyond_the_limit() {
        let users = MemoryRegistry::default();
        let sids: Vec<Sid> = (0..SOCKETS_PER_USER + 2).map(|_| Sid::new()).collect();
        let mut closed = Vec::new();
        for sid in &sids {
            closed.extend(users.add(UserId(7), *sid).await.unwrap());
        }
        assert_eq!(closed, sids[..2]);
        assert!(
            users.add(UserId(8), Sid::new()).await.unwrap().is_empty(),
            "another user is unaffected"
        );
        users.remove(UserId(7), sids[5]).await.unwrap();
        assert!(
            users.add(UserId(7), Sid::new()).await.unwrap().is_empty(),
            "a closed socket frees its place"
        );
    }
}
