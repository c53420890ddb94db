//! The only place that sends to Socket.IO rooms. Services call it after
//! their transaction commits; handlers and pages never emit directly.

use model::events::{Payload, SessionRevoked};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

mod broadcast;
pub use broadcast::{Broadcast, RedisAdapter};

use model::rooms::Room;
use model::{EventId, UserId};
use socketioxide::socket::Sid;

/// Batches of emitted events kept for event streams that fall behind;
/// beyond it a stream reads the log again.
const EMITTED_BATCHES: usize = 1024;

/// One logged event as the tail emitted it.
#[derive(Clone, Debug)]
pub struct TailEvent {
    pub id: EventId,
    pub kind: String,
    pub rooms: Vec<String>,
    /// The wire object's JSON text (`eventId` and `at` first).
    pub wire: String,
}

/// One batch of the tail, shared by every stream that reads it.
#[derive(Clone, Debug)]
pub struct Emitted(pub Arc<Vec<TailEvent>>);

/// A handle to the Socket.IO server, attached once at startup. The CLI
/// subcommands (migrate, seed) run without one: emitting is then a no-op.
#[derive(Clone)]
pub struct Emitter {
    io: Arc<OnceLock<Box<dyn Broadcast>>>,
    /// What the log tail emitted, batch by batch, for this node's event
    /// streams (SSE): one read of the log feeds them all.
    emitted: tokio::sync::broadcast::Sender<Emitted>,
    /// Set at shutdown: SSE streams end so their clients reconnect elsewhere.
    closing: Arc<AtomicBool>,
    /// Wakes every background task waiting on [`closed`](Self::closed).
    closed: Arc<tokio::sync::watch::Sender<bool>>,
    /// Wakes the log tail (`service::tail`) after a commit, here or on
    /// another node.
    wake: Arc<tokio::sync::Notify>,
    /// Set by a commit on this node until the tail has read it: the tail
    /// then tells the other nodes, once for a whole batch.
    committed_here: Arc<AtomicBool>,
    /// The newest event id the tail has emitted on this node.
    cursor: Arc<AtomicI64>,
    /// The newest event id known to be committed, here or (by a hint) on
    /// another node: the tail reads until it has it. On PostgreSQL a
    /// committed event becomes readable only once older writers end.
    pending: Arc<AtomicI64>,
    /// Held by the tail while it emits a batch and moves the cursor, and by
    /// a connecting socket while it compares its replay with the cursor.
    turn: Arc<tokio::sync::Mutex<()>>,
    /// Catches up a socket that could not take a logged event (set by the
    /// realtime layer, which knows how to replay to a socket).
    stalled: Arc<OnceLock<Stalled>>,
}

/// What to do with a socket held out of the tail because its buffer was
/// full when event `missed` went out: replay to it from `missed` on.
pub type Stalled = Box<dyn Fn(Sid, EventId) + Send + Sync>;

impl Default for Emitter {
    fn default() -> Self {
        Self {
            io: Arc::default(),
            emitted: tokio::sync::broadcast::channel(EMITTED_BATCHES).0,
            closing: Arc::default(),
            closed: Arc::new(tokio::sync::watch::channel(false).0),
            wake: Arc::default(),
            committed_here: Arc::default(),
            cursor: Arc::default(),
            pending: Arc::default(),
            turn: Arc::default(),
            stalled: Arc::default(),
        }
    }
}

impl Emitter {
    pub fn attach(&self, io: impl Broadcast) {
        if self.io.set(Box::new(io)).is_err() {
            tracing::warn!("socket.io handle attached twice; keeping the first");
        }
    }

    /// The server, until shutdown closes it (a closed server has no
    /// namespace left to emit to; what is committed meanwhile is replayed
    /// from the log by the node the client reconnects to).
    fn io(&self) -> Option<&dyn Broadcast> {
        if self.is_closing() {
            return None;
        }
        self.io.get().map(|io| &**io)
    }

    /// How this node catches up a socket that fell behind the tail.
    pub fn on_stalled(&self, catch_up: Stalled) {
        if self.stalled.set(catch_up).is_err() {
            tracing::warn!("stalled-socket handler set twice; keeping the first");
        }
    }

    /// Ends every socket of one user, on every node (suspension).
    pub async fn revoke_user(&self, user_id: UserId, reason: &str) {
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
        if let Err(e) = emit(io, vec![room.clone()], &payload).await {
            tracing::warn!(error = %e, room, "could not notify revoked session");
        }
        if let Err(e) = io.disconnect(room.clone()).await {
            tracing::warn!(error = %e, room, "could not disconnect revoked session");
        }
    }

    /// Called after every commit that logged events (`newest` the last
    /// id): the tail emits them.
    pub fn committed_here(&self, newest: EventId) {
        self.pending.fetch_max(newest.0, Ordering::AcqRel);
        self.committed_here.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Wakes the tail for events committed on another node, up to `newest`.
    pub fn heard_of(&self, newest: EventId) {
        self.pending.fetch_max(newest.0, Ordering::AcqRel);
        self.wake.notify_one();
    }

    /// The newest event id known to be committed.
    pub fn pending(&self) -> EventId {
        EventId(self.pending.load(Ordering::Acquire))
    }

    /// Resolves when the tail has something to read (or may have).
    pub async fn woken(&self) {
        self.wake.notified().await
    }

    /// True (once) if this node committed events since the last call.
    pub fn take_committed_here(&self) -> bool {
        self.committed_here.swap(false, Ordering::AcqRel)
    }

    /// The newest event id this node's sockets have been sent by the tail:
    /// every later event reaches a socket that is in its rooms now.
    pub fn cursor(&self) -> EventId {
        EventId(self.cursor.load(Ordering::Acquire))
    }

    /// The emission turn: while it is held, the tail neither emits nor
    /// moves the cursor.
    pub async fn turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.turn.lock().await
    }

    /// Sends one logged event to its rooms on this node only: every node
    /// runs its own tail of the log, so each socket gets each event from
    /// the node it is connected to, in id order. A socket in several of
    /// the rooms gets it once; one still catching up gets it by replay.
    pub async fn emit_logged(
        &self,
        id: EventId,
        kind: &str,
        rooms: &[String],
        wire: &serde_json::value::RawValue,
    ) -> bool {
        let Some(io) = self.io() else { return false };
        match io.emit_here(rooms, Room::CATCHING_UP, kind, wire).await {
            Ok(stalled) => {
                for sid in stalled {
                    tracing::info!(socket = %sid, event_id = id.0, "socket buffer full; catching it up");
                    if let Some(catch_up) = self.stalled.get() {
                        catch_up(sid, id);
                    }
                }
                true
            }
            Err(e) => {
                tracing::debug!(error = %e, kind, "emit failed; clients catch up by replay");
                false
            }
        }
    }

    /// The tail has emitted everything up to `id`.
    pub fn advance(&self, id: EventId) {
        self.cursor.store(id.0, Ordering::Release);
    }

    /// The tail has emitted `events` (oldest first): this node's event
    /// streams get them. Called under the turn, after `advance`.
    pub fn publish(&self, events: Vec<TailEvent>) {
        if !events.is_empty() {
            let _ = self.emitted.send(Emitted(Arc::new(events)));
        }
    }

    /// Every batch the tail emits from now on. Subscribe under the turn,
    /// after reading the log up to the cursor, and nothing falls between.
    pub fn emitted(&self) -> tokio::sync::broadcast::Receiver<Emitted> {
        self.emitted.subscribe()
    }

    /// Sends a fleeting event (a driver's position): not logged, never
    /// replayed, and dropped for a socket whose buffer is full. Not
    /// Socket.IO's "volatile": socketioxide keeps only the latest volatile
    /// packet per socket, so a customer watching two deliveries, or an admin
    /// map with every driver, lost positions that arrived together (the load
    /// test's location scenario: 4-5% at 2,000 drivers).
    pub async fn ephemeral<P: Payload>(&self, rooms: Vec<String>, payload: &P) {
        let Some(io) = self.io() else { return };
        if let Err(e) = emit(io, rooms, payload).await {
            tracing::debug!(error = %e, event = P::NAME, "ephemeral emit dropped");
        }
    }

    /// True once this node is shutting down.
    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    /// Resolves once this node is shutting down: background tasks select
    /// on it, so every one of them ends with the node.
    pub async fn closed(&self) {
        let mut closed = self.closed.subscribe();
        let _ = closed.wait_for(|closed| *closed).await;
    }

    /// Runs `every` period until the node shuts down; the first run is one
    /// period after the start.
    pub async fn every<F: std::future::Future<Output = ()>>(
        &self,
        period: std::time::Duration,
        mut run: impl FnMut() -> F,
    ) {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = self.closed() => return,
                _ = tick.tick() => run().await,
            }
        }
    }

    /// Closes every socket on this node (shutdown): clients reconnect,
    /// to another node if there is one, and catch up by replay.
    pub async fn close_all(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.closed.send_replace(true);
        self.wake.notify_one();
        if let Some(io) = self.io() {
            io.close().await;
        }
    }

    /// Connected sockets per role, on every node (the adapter asks them).
    pub async fn sockets_by_role(&self) -> Vec<(model::Role, usize)> {
        use model::Role;
        let mut counts = Vec::new();
        for role in [Role::Customer, Role::Restaurant, Role::Driver, Role::Admin] {
            let n = match self.io() {
                Some(io) => io.count(Room::role(role)).await,
                None => 0,
            };
            counts.push((role, n));
        }
        counts
    }

    /// Number of sockets connected to this node, by role room.
    pub fn local_socket_count(&self) -> usize {
        self.io().map_or(0, |io| io.count_here())
    }
}

/// One payload, serialised once, to every socket in `rooms` on every node.
async fn emit<P: Payload>(
    io: &dyn Broadcast,
    rooms: Vec<String>,
    payload: &P,
) -> Result<(), String> {
    let data = serde_json::value::to_raw_value(payload).map_err(|e| e.to_string())?;
    io.emit(rooms, P::NAME, &data)
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn background_tasks_end_when_the_node_closes() {
        let emitter = Emitter::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let (emitter, runs) = (emitter.clone(), runs.clone());
            async move {
                emitter
                    .every(Duration::from_millis(10), || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                    })
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(60)).await;
        emitter.close_all().await;
        tokio::time::timeout(Duration::from_secs(1), task)
            .await
            .expect("the task ends with the node")
            .expect("the task did not panic");
        assert!(
            runs.load(Ordering::SeqCst) >= 1,
            "it ran while the node was up"
        );
        // A task started after the close ends at once.
        tokio::time::timeout(Duration::from_secs(1), emitter.closed())
            .await
            .expect("closed stays resolved");
    }
}
