//! The Socket.IO server behind the emitter: on its own, or joined to the
//! other nodes through Redis. Chosen once at startup (`Emitter::attach`);
//! one implementation serves every adapter, so nothing downstream asks
//! which one it has.

use serde_json::value::RawValue;
use socketioxide::adapter::Adapter;
use socketioxide::{BroadcastError, SocketIo};

/// The Socket.IO adapter of a node that shares Redis with others: a
/// broadcast goes to every node through Redis pub/sub.
pub type RedisAdapter = socketioxide_redis::FredAdapter<socketioxide::adapter::Emitter>;

#[async_trait::async_trait]
pub trait Broadcast: Send + Sync + 'static {
    /// Sends to every socket in `rooms`, on every node (one packet to a
    /// socket in several of them).
    async fn emit(
        &self,
        rooms: Vec<String>,
        event: &str,
        data: &RawValue,
    ) -> Result<(), BroadcastError>;

    /// Sends to the sockets in `rooms` on this node only, except those in
    /// the room `except`.
    async fn emit_here(
        &self,
        rooms: Vec<String>,
        except: &'static str,
        event: &str,
        data: &RawValue,
    ) -> Result<(), BroadcastError>;

    /// Disconnects every socket in `room`, on every node.
    async fn disconnect(&self, room: String) -> Result<(), BroadcastError>;

    /// Sockets in `room` on every node (0 when a node does not answer).
    async fn count(&self, room: String) -> usize;

    /// Sockets connected to this node.
    fn count_here(&self) -> usize;

    /// Closes every socket on this node.
    async fn close(&self);
}

#[async_trait::async_trait]
impl<A: Adapter> Broadcast for SocketIo<A> {
    async fn emit(
        &self,
        rooms: Vec<String>,
        event: &str,
        data: &RawValue,
    ) -> Result<(), BroadcastError> {
        self.to(rooms).emit(event, data).await
    }

    async fn emit_here(
        &self,
        rooms: Vec<String>,
        except: &'static str,
        event: &str,
        data: &RawValue,
    ) -> Result<(), BroadcastError> {
        self.local()
            .to(rooms)
            .except(except)
            .emit(event, data)
            .await
    }

    async fn disconnect(&self, room: String) -> Result<(), BroadcastError> {
        self.to(room).disconnect().await
    }

    async fn count(&self, room: String) -> usize {
        self.to(room).fetch_sockets().await.map_or(0, |s| s.len())
    }

    fn count_here(&self) -> usize {
        self.sockets().len()
    }

    async fn close(&self) {
        SocketIo::close(self).await
    }
}
