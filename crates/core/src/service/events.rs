//! Reading logged events back: replay on connect, `GET /api/events` and
//! SSE. Services log events through `outbox::EventTx`; the log tail emits
//! them live from the same rows.

use serde_json::Value;

use super::replay_cache::{Key, Read};
use super::Ctx;
use crate::store::{self, events::StoredEvent};
use model::error::AppError;
use model::rooms::Room;
use model::{EventId, Role, User};

/// The most events one replay or one REST page returns.
pub const MAX_REPLAY: i64 = 1000;

/// A logged event, ready to emit: its rooms and its wire object (the
/// payload with `eventId` and `at` added).
#[derive(Clone, Debug)]
pub struct LoggedEvent {
    pub id: EventId,
    pub kind: String,
    pub at_ms: i64,
    pub rooms: Vec<String>,
    pub wire: Value,
}

impl LoggedEvent {
    fn from_stored(stored: StoredEvent) -> Result<LoggedEvent, AppError> {
        let payload: Value = serde_json::from_str(&stored.payload).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "event {} payload unreadable: {e}",
                stored.id
            ))
        })?;
        Ok(LoggedEvent::new(
            stored.id,
            stored.kind,
            stored.at,
            stored.rooms,
            payload,
        ))
    }

    fn new(
        id: EventId,
        kind: String,
        at_ms: i64,
        rooms: Vec<String>,
        mut payload: Value,
    ) -> LoggedEvent {
        if let Value::Object(map) = &mut payload {
            map.insert("eventId".into(), Value::from(id.0));
            map.insert("at".into(), Value::from(model::time::rfc3339(at_ms)));
        }
        LoggedEvent {
            id,
            kind,
            at_ms,
            rooms,
            wire: payload,
        }
    }

    /// The REST form: the wire object plus its `type`.
    pub fn with_type(&self) -> Value {
        let mut value = self.wire.clone();
        if let Value::Object(map) = &mut value {
            map.insert("type".into(), Value::from(self.kind.clone()));
        }
        value
    }
}

/// The rooms a user's sockets are in by right, and so the rooms whose
/// events the user may read back: their own, their role's, their
/// restaurant's. Order events are also addressed to the user rooms of the
/// order's customer and driver, so these cover every order they take part in.
pub fn rooms_of(user: &User) -> Vec<String> {
    let mut rooms = vec![Room::user(user.id), Room::role(user.role)];
    if let (Role::Restaurant, Some(restaurant_id)) = (user.role, user.restaurant_id) {
        rooms.push(Room::restaurant(restaurant_id));
    }
    rooms
}

/// The events `user` missed after `after`, oldest first.
pub async fn missed(
    ctx: &Ctx,
    user: &User,
    after: EventId,
    limit: i64,
) -> Result<Vec<LoggedEvent>, AppError> {
    let limit = limit.clamp(1, MAX_REPLAY);
    store::events::since(&ctx.db, after.max(EventId(0)), &rooms_of(user), limit)
        .await?
        .into_iter()
        .map(LoggedEvent::from_stored)
        .collect()
}

/// A catch-up read: the events `user` missed after `after` (at most
/// `limit`), how far retention had pruned the log, and the horizon they
/// cover: every event of the user's up to it
/// is in the batch. A short read covers everything up to the log's newest
/// id as read before it; a full one only up to its last event. A reader
/// compares the horizon with the tail's cursor (under the emission turn) to
/// know whether it has caught up. Shared by socket replay and SSE; the
/// same read by sockets with the same rooms is made once
/// ([`ReplayCache`](super::replay_cache::ReplayCache)).
pub async fn read_towards(
    ctx: &Ctx,
    user: &User,
    after: EventId,
    limit: i64,
) -> Result<Read, AppError> {
    let limit = limit.clamp(1, MAX_REPLAY);
    let key = Key {
        rooms: rooms_of(user),
        after: EventId(after.0.max(0)),
        limit,
    };
    ctx.replays
        .read(key, async {
            let ends = store::events::ends(&ctx.db).await?;
            let batch = missed(ctx, user, after, limit).await?;
            let last = batch.last().map_or(after, |e| e.id);
            let full = batch.len() as i64 >= limit;
            let horizon = if full { last } else { ends.newest.max(last) };
            Ok(Read {
                events: batch.into(),
                horizon,
                pruned_through: ends.pruned,
            })
        })
        .await
}

pub async fn latest_id(ctx: &Ctx) -> Result<EventId, AppError> {
    Ok(store::events::latest_id(&ctx.db).await?)
}
