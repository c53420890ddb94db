//! The only place that sends to Socket.IO rooms. Services call it after
//! their transaction commits; handlers and pages never emit directly.

use std::sync::{Arc, OnceLock};

use socketioxide::SocketIo;

/// The Socket.IO adapter of a node that shares Redis with others: a
/// broadcast goes to every node through Redis pub/sub.
pub type RedisAdapter = socketioxide_redis::FredAdapter<socketioxide::adapter::Emitter>;

/// This node's Socket.IO server: on its own, or joined to the others
/// through Redis.
pub enum Io {
    Local(SocketIo),
    Redis(SocketIo<RedisAdapter>),
}

/// Runs the same code against either kind of server.
macro_rules! with_io {
    ($io:expr, |$i:ident| $body:expr) => {
        match $io {
            Io::Local($i) => $body,
            Io::Redis($i) => $body,
        }
    };
}

use super::events::{SessionRevoked, SESSION_REVOKED};
use super::rooms::Room;

/// A handle to the Socket.IO server, attached once at startup. The CLI
/// subcommands (migrate, seed) run without one: emitting is then a no-op.
#[derive(Clone)]
pub struct Emitter {
    io: Arc<OnceLock<Io>>,
    /// Wakes this node's SSE streams when an event is committed here; they
    /// read the log itself, so events committed on other nodes reach them too.
    committed: tokio::sync::broadcast::Sender<i64>,
    /// Set at shutdown: SSE streams end so their clients reconnect elsewhere.
    closing: Arc<std::sync::atomic::AtomicBool>,
}

impl Default for Emitter {
    fn default() -> Self {
        Self {
            io: Arc::default(),
            committed: tokio::sync::broadcast::channel(1024).0,
            closing: Arc::default(),
        }
    }
}

impl Emitter {
    pub fn attach(&self, io: Io) {
        if self.io.set(io).is_err() {
            tracing::warn!("socket.io handle attached twice; keeping the first");
        }
    }

    /// The server, until shutdown closes it (a closed server has no
    /// namespace left to emit to; what is committed meanwhile is replayed
    /// from the log by the node the client reconnects to).
    fn io(&self) -> Option<&Io> {
        if self.is_closing() {
            return None;
        }
        self.io.get()
    }

    /// Ends every socket of one user, on every node (suspension).
    pub async fn revoke_user(&self, user_id: i64, reason: &str) {
        self.revoke_room(Room::user(user_id), reason).await;
    }

    /// Ends every socket of one login session: `session:revoked`, then a
    /// disconnect, so the client stops reconnecting with a dead cookie.
    pub async fn revoke_session(&self, session_key: &str, reason: &str) {
        self.revoke_room(Room::session(session_key), reason).await;
    }

    async fn revoke_room(&self, room: String, reason: &str) {
        let Some(io) = self.io() else { return };
        let payload = SessionRevoked {
            reason: reason.to_owned(),
        };
        with_io!(io, |io| {
            if let Err(e) = io.to(room.clone()).emit(SESSION_REVOKED, &payload).await {
                tracing::warn!(error = %e, room, "could not notify revoked session");
            }
            if let Err(e) = io.to(room.clone()).disconnect().await {
                tracing::warn!(error = %e, room, "could not disconnect revoked session");
            }
        })
    }

    /// Sends a committed event to its rooms. A socket in several of them
    /// gets it once. Redis pub/sub may drop it; the log replays it.
    pub async fn publish(&self, event: &crate::service::events::LoggedEvent) {
        let _ = self.committed.send(event.id);
        let Some(io) = self.io() else { return };
        let sent = with_io!(io, |io| io
            .to(event.rooms.clone())
            .emit(event.kind.as_str(), &event.wire)
            .await);
        let since_commit = crate::store::now_ms().saturating_sub(event.at_ms).max(0) as u64;
        crate::service::metrics::event_emitted(
            &event.kind,
            std::time::Duration::from_millis(since_commit),
        );
        if let Err(e) = sent {
            tracing::warn!(error = %e, event_id = event.id, kind = %event.kind, "emit failed; clients catch up by replay");
        }
    }

    /// Sends a fleeting event (a driver's position): not logged, never
    /// replayed, and dropped for a socket whose buffer is full. Not
    /// Socket.IO's "volatile": socketioxide keeps only the latest volatile
    /// packet per socket, so a customer watching two deliveries, or an admin
    /// map with every driver, lost positions that arrived together (the load
    /// test's location scenario: 4-5% at 2,000 drivers).
    pub async fn ephemeral<T: serde::Serialize + ?Sized>(
        &self,
        room: &str,
        event: &'static str,
        payload: &T,
    ) {
        let Some(io) = self.io() else { return };
        let sent = with_io!(io, |io| io.to(room.to_owned()).emit(event, payload).await);
        if let Err(e) = sent {
            tracing::debug!(error = %e, room, event, "ephemeral emit dropped");
        }
    }

    /// A fleeting event to several rooms (a socket in more than one gets it once).
    pub async fn ephemeral_to<T: serde::Serialize + ?Sized>(
        &self,
        rooms: Vec<String>,
        event: &'static str,
        payload: &T,
    ) {
        let Some(io) = self.io() else { return };
        let sent = with_io!(io, |io| io.to(rooms.clone()).emit(event, payload).await);
        if let Err(e) = sent {
            tracing::debug!(error = %e, event, "ephemeral emit dropped");
        }
    }

    /// Ids of events committed on this node, as they are published.
    pub fn committed(&self) -> tokio::sync::broadcast::Receiver<i64> {
        self.committed.subscribe()
    }

    /// True once this node is shutting down.
    pub fn is_closing(&self) -> bool {
        self.closing.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Closes every socket on this node (shutdown): clients reconnect,
    /// to another node if there is one, and catch up by replay.
    pub async fn close_all(&self) {
        self.closing
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.committed.send(-1);
        if let Some(io) = self.io() {
            with_io!(io, |io| io.close().await);
        }
    }

    /// Connected sockets per role, on every node (the adapter asks them).
    pub async fn sockets_by_role(&self) -> Vec<(crate::model::Role, usize)> {
        use crate::model::Role;
        let mut counts = Vec::new();
        for role in [Role::Customer, Role::Restaurant, Role::Driver, Role::Admin] {
            let n = match self.io() {
                Some(io) => with_io!(io, |io| io
                    .to(Room::role(role))
                    .fetch_sockets()
                    .await
                    .map(|s| s.len())
                    .unwrap_or(0)),
                None => 0,
            };
            counts.push((role, n));
        }
        counts
    }

    /// Number of sockets connected to this node, by role room.
    pub fn local_socket_count(&self) -> usize {
        self.io()
            .map(|io| with_io!(io, |io| io.sockets().len()))
            .unwrap_or(0)
    }
}
