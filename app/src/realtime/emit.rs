//! The only place that sends to Socket.IO rooms. Services call it after
//! their transaction commits; handlers and pages never emit directly.

use std::sync::{Arc, OnceLock};

use socketioxide::SocketIo;

use super::events::{SessionRevoked, SESSION_REVOKED};
use super::rooms::Room;

/// A handle to the Socket.IO server, attached once at startup. The CLI
/// subcommands (migrate, seed) run without one: emitting is then a no-op.
#[derive(Clone, Default)]
pub struct Emitter {
    io: Arc<OnceLock<SocketIo>>,
}

impl Emitter {
    pub fn attach(&self, io: SocketIo) {
        if self.io.set(io).is_err() {
            tracing::warn!("socket.io handle attached twice; keeping the first");
        }
    }

    fn io(&self) -> Option<&SocketIo> {
        self.io.get()
    }

    /// Ends every socket of one login session: `session:revoked`, then a
    /// disconnect, so the client stops reconnecting with a dead cookie.
    pub async fn revoke_session(&self, session_key: &str, reason: &str) {
        let Some(io) = self.io() else { return };
        let room = Room::session(session_key);
        let payload = SessionRevoked {
            reason: reason.to_owned(),
        };
        if let Err(e) = io.to(room.clone()).emit(SESSION_REVOKED, &payload).await {
            tracing::warn!(error = %e, room, "could not notify revoked session");
        }
        if let Err(e) = io.to(room.clone()).disconnect().await {
            tracing::warn!(error = %e, room, "could not disconnect revoked session");
        }
    }

    /// Sends a committed event to its rooms. A socket in several of them
    /// gets it once. Redis pub/sub may drop it; the log replays it.
    pub async fn publish(&self, event: &crate::service::events::LoggedEvent) {
        let Some(io) = self.io() else { return };
        if let Err(e) = io
            .to(event.rooms.clone())
            .emit(event.kind.as_str(), &event.wire)
            .await
        {
            tracing::warn!(error = %e, event_id = event.id, kind = %event.kind, "emit failed; clients catch up by replay");
        }
    }

    /// Sends a fleeting event (a driver's position): not logged, never
    /// replayed, and dropped for a socket whose buffer is full.
    pub async fn ephemeral<T: serde::Serialize + ?Sized>(
        &self,
        room: &str,
        event: &'static str,
        payload: &T,
    ) {
        let Some(io) = self.io() else { return };
        if let Err(e) = io.to(room.to_owned()).volatile().emit(event, payload).await {
            tracing::debug!(error = %e, room, event, "ephemeral emit dropped");
        }
    }

    /// Number of sockets connected to this node, by role room.
    pub fn local_socket_count(&self) -> usize {
        self.io().map(|io| io.sockets().len()).unwrap_or(0)
    }
}
