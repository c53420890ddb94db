//! The log tail: one task per node reads every event committed after its
//! cursor, in id order, and emits each to this node's sockets in its rooms.
//! Ids become visible in id order (see `store::events`), so a socket hears
//! events in id order with no gap, whichever node committed them; live and
//! replay read the same rows. A commit here wakes the tail at once; a commit
//! on another node arrives as a wake-up hint through Redis, and a short poll
//! covers a lost hint.

use std::time::Duration;

use serde_json::value::RawValue;

use super::Ctx;
use crate::emit::TailEvent;
use crate::store::{self, events::StoredEvent};
use model::time::rfc3339;
use model::EventId;

/// The most events one read takes.
const BATCH: i64 = 500;
/// How long the tail waits for a wake-up before it reads anyway.
pub const POLL: Duration = Duration::from_millis(200);

/// How soon the tail reads again when an event it knows is committed is
/// not readable yet.
const CATCH_UP: Duration = Duration::from_millis(1);

/// Tells the other nodes that this one committed events, up to an id.
pub type Hint = Box<dyn Fn(EventId) + Send + Sync>;

/// Runs until the node shuts down, from the emitter's cursor on.
pub async fn run(ctx: Ctx, hint: Option<Hint>) {
    // Set at startup to where the log ended (`Emitter::advance`).
    let mut cursor = ctx.emitter.cursor();
    let mut behind = Duration::ZERO;
    while !ctx.emitter.is_closing() {
        if cursor < ctx.emitter.pending() && behind < POLL {
            // Committed but not readable yet (on PostgreSQL, an older
            // writer is still running): look again very soon.
            behind += CATCH_UP;
            tokio::time::sleep(CATCH_UP).await;
        } else {
            behind = Duration::ZERO;
            let _ = tokio::time::timeout(POLL, ctx.emitter.woken()).await;
        }
        // Read first: a commit that lands during the read wakes us again.
        let here = ctx.emitter.take_committed_here();
        loop {
            let batch = match store::events::after(&ctx.db, cursor, BATCH).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(error = %e, "log tail read failed; retrying");
                    break;
                }
            };
            let full = batch.len() as i64 == BATCH;
            if !batch.is_empty() {
                let _turn = ctx.emitter.turn().await;
                let mut emitted = Vec::with_capacity(batch.len());
                for event in batch {
                    cursor = event.id;
                    if let Some(wire) = emit(&ctx, &event).await {
                        emitted.push(TailEvent {
                            id: event.id,
                            kind: event.kind,
                            rooms: event.rooms,
                            wire: wire.get().to_owned(),
                        });
                    }
                }
                ctx.emitter.advance(cursor);
                ctx.emitter.publish(emitted);
            }
            if !full {
                break;
            }
        }
        if here {
            if let Some(hint) = &hint {
                hint(ctx.emitter.pending());
            }
        }
    }
}

/// Sends `event` to its rooms' sockets; returns its wire object.
async fn emit(ctx: &Ctx, event: &StoredEvent) -> Option<Box<RawValue>> {
    let Some(wire) = wire(event) else {
        tracing::error!(
            event_id = event.id.0,
            "logged payload is not a JSON object; not emitted"
        );
        return None;
    };
    ctx.emitter
        .emit_logged(event.id, &event.kind, &event.rooms, &wire)
        .await;
    let since_commit = ctx.now_ms().saturating_sub(event.at).max(0) as u64;
    super::metrics::event_emitted(&event.kind, Duration::from_millis(since_commit));
    Some(wire)
}

/// The payload object with `eventId` and `at` put first, spliced as text:
/// the stored JSON is sent as it is, never parsed.
pub fn wire(event: &StoredEvent) -> Option<Box<RawValue>> {
    let rest = event.payload.trim_start().strip_prefix('{')?;
    let head = format!(
        "{{\"eventId\":{},\"at\":\"{}\"",
        event.id,
        rfc3339(event.at)
    );
    let text = if rest.trim_start().starts_with('}') {
        format!("{head}}}")
    } else {
        format!("{head},{rest}")
    };
    RawValue::from_string(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(payload: &str) -> StoredEvent {
        StoredEvent {
            id: EventId(42),
            kind: "order:created".into(),
            payload: payload.into(),
            at: 0,
            rooms: vec!["user:1".into()],
        }
    }

    #[test]
    fn wire_puts_id_and_time_before_the_payload() {
        let wire = wire(&stored(r#"{"orderId":7}"#)).expect("object");
        let value: serde_json::Value = serde_json::from_str(wire.get()).expect("json");
        assert_eq!(value["eventId"], 42);
        assert_eq!(value["at"], "1970-01-01T00:00:00.000Z");
        assert_eq!(value["orderId"], 7);
    }

    #[test]
    fn wire_of_an_empty_object_and_of_a_non_object() {
        let wire = wire(&stored("{}")).expect("object");
        let value: serde_json::Value = serde_json::from_str(wire.get()).expect("json");
        assert_eq!(value["eventId"], 42);
        assert!(super::wire(&stored("[1]")).is_none());
    }
}
