//! The Socket.IO server behind the emitter: on its own, or joined to the
//! other nodes through Redis. Chosen once at startup (`Emitter::attach`);
//! one implementation serves every adapter, so nothing downstream asks
//! which one it has.

use serde_json::value::RawValue;
use socketioxide::adapter::Adapter;
use socketioxide::socket::Sid;
use socketioxide::{BroadcastError, SendError, SocketError, SocketIo};

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
    /// the room `except`. Returns the sockets that could not take it
    /// (their buffer full): they are put in `except` at once, so nothing
    /// later reaches them either, and must be caught up from this event
    /// (`Emitter::on_stalled`).
    async fn emit_here(
        &self,
        rooms: &[String],
        except: &'static str,
        event: &str,
        data: &RawValue,
    ) -> Result<Vec<Sid>, BroadcastError>;

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
        rooms: &[String],
        except: &'static str,
        event: &str,
        data: &RawValue,
    ) -> Result<Vec<Sid>, BroadcastError> {
        let sent = self
            .local()
            .to(rooms.to_vec())
            .except(except)
            .emit(event, data)
            .await;
        match sent {
            Ok(()) => Ok(Vec::new()),
            Err(BroadcastError::Socket(errors)) if errors.iter().any(full) => {
                Ok(hold_stalled(self, rooms, except, event, data))
            }
            Err(e) => Err(e),
        }
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

fn full(e: &SocketError) -> bool {
    matches!(e, SocketError::InternalChannelFull)
}

/// A logged event did not reach a socket whose buffer was full (a stalled
/// link). Sent on as usual, the next event would, and the client's last id
/// would pass this one for good. The broadcast does not say which socket
/// it was, so the event goes to each socket of the rooms again (where it
/// arrived the first time, the client drops the copy by id); a socket
/// still full is held out (`except`) and returned, to be caught up from
/// this event. Only on this rare path: the broadcast encodes once.
fn hold_stalled<A: Adapter>(
    io: &SocketIo<A>,
    rooms: &[String],
    except: &'static str,
    event: &str,
    data: &RawValue,
) -> Vec<Sid> {
    let mut stalled = Vec::new();
    for socket in io.local().to(rooms.to_vec()).except(except).sockets() {
        if let Err(SendError::Socket(e)) = socket.emit(event, data) {
            if full(&e) {
                socket.join(except);
                stalled.push(socket.id);
            }
        }
    }
    stalled
}
