//! `GET /api/events/stream`: Server-Sent Events for clients where
//! WebSockets are blocked. The same events a socket of the user would get,
//! each with its `id:`; resumes from `Last-Event-ID` (or `?since=`). A
//! stream reads the log only to catch up; then it follows the node's log
//! tail (which reads every node's events), so a thousand idle streams cost
//! no query at all. A stream that falls behind the tail reads the log again.

use model::events::{Payload, SessionRevoked};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream, StreamExt};
use mealstream_core::emit::Emitted;
use mealstream_core::service::{auth, events, retention, Ctx};
use model::error::{AppError, ErrorBody};
use model::{EventId, User};
use serde::Deserialize;
use tower_sessions::Session;

use crate::sessions::Sessions;

use super::extract::ApiQuery;
use super::responses::SignedInRead;
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(stream_events))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new().route("/api/events/stream", get(stream_events))
}

const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events read from the log at a time while catching up.
const CATCH_UP_BATCH: i64 = 200;
/// The session and the user's rights are checked this often: a stream
/// whose session ended, or whose user was suspended or changed role, ends.
const RECHECK: Duration = Duration::from_secs(15);

#[derive(Deserialize)]
struct Since {
    since: Option<String>,
}

fn resume_point(headers: &HeaderMap, since: Option<&str>) -> Result<Option<EventId>, AppError> {
    let raw = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .or(since);
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<EventId>()
            .ok()
            .filter(|n| *n >= EventId(0))
            .map(Some)
            .ok_or_else(|| AppError::invalid("Last-Event-ID", "must be a whole number, 0 or more")),
    }
}

struct Cursor {
    ctx: Ctx,
    sessions: Sessions,
    user: User,
    session: Session,
    /// The newest event id this stream has read up to (its own rooms').
    last: EventId,
    /// The session's epoch when the stream opened (see `auth::lapsed`).
    epoch: i64,
    rooms: Vec<String>,
    pending: std::collections::VecDeque<Event>,
    /// The tail's batches, once the stream has caught up with the log.
    live: Option<tokio::sync::broadcast::Receiver<Emitted>>,
    checked: tokio::time::Instant,
    /// This stream's place among the user's; given back when it ends.
    _slot: mealstream_core::service::stream_slots::Slot,
}

#[utoipa::path(
    get,
    path = "/api/events/stream",
    tag = "events",
    params(
        ("Last-Event-ID" = Option<i64>, Header, description = "resume after this event"),
        ("since" = Option<i64>, Query, description = "the same, for clients that cannot set headers")
    ),
    responses(
        (status = 200, description = "Server-Sent Events: `id:` and `event:` per logged event, a keep-alive comment every 15 s; first a `resync` event when the log no longer holds everything after the resume point (fetch the state again)", content_type = "text/event-stream", body = String),
        (status = 422, description = "Last-Event-ID is not a number", body = ErrorBody),
        (status = 429, description = "the user holds 10 streams already", body = ErrorBody),
        SignedInRead
    )
)]
async fn stream_events(
    State(state): State<ApiState>,
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    session: Session,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Since>,
) -> Result<impl IntoResponse, AppError> {
    let resume = resume_point(&headers, q.since.as_deref())?;
    let last = match resume {
        Some(id) => id,
        None => events::latest_id(&ctx).await?,
    };
    let mut pending = std::collections::VecDeque::new();
    if let Some(after) = resume {
        if retention::needs_resync(&ctx, after).await? {
            pending.push_back(Event::default().event("resync").data("{}"));
        }
    }
    let epoch = auth::session_epoch(&session).await?;
    let slot = ctx.streams.take(user.id).await?;
    let cursor = Cursor {
        rooms: events::rooms_of(&user),
        _slot: slot,
        ctx,
        sessions: state.sessions.clone(),
        user,
        session,
        last,
        epoch,
        pending,
        live: None,
        checked: tokio::time::Instant::now(),
    };
    let sse = Sse::new(follow(cursor))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"));
    Ok((
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::HeaderName::from_static("x-accel-buffering"),
                HeaderValue::from_static("no"),
            ),
        ],
        sse,
    ))
}

fn follow(cursor: Cursor) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(Some(cursor), |state| async move {
        let mut c = state?;
        loop {
            if let Some(event) = c.pending.pop_front() {
                return Some((Ok(event), Some(c)));
            }
            if c.ctx.emitter.is_closing() {
                // The node is stopping: the client reconnects (to another
                // node) with its Last-Event-ID and misses nothing.
                return None;
            }
            if c.checked.elapsed() >= RECHECK {
                c.checked = tokio::time::Instant::now();
                c.ctx.streams.keep(c.user.id).await;
                if let Some(reason) = lapsed(&c).await {
                    let bye = Event::default()
                        .event(SessionRevoked::NAME)
                        .json_data(SessionRevoked {
                            reason: reason.to_owned(),
                        })
                        .unwrap_or_default();
                    return Some((Ok(bye), None));
                }
            }
            match c.live.take() {
                None => catch_up(&mut c).await,
                Some(live) => c.live = follow_tail(&mut c, live).await,
            }
        }
    })
    .boxed()
}

/// Why the stream must end now, if it must (checked every `RECHECK`).
async fn lapsed(c: &Cursor) -> Option<&'static str> {
    // The request's Session caches its record: ask the store, so a
    // sign-out elsewhere ends this stream too.
    if !matches!(c.sessions.holds(c.session.id()).await, Ok(true)) {
        return Some("signed out");
    }
    // The database is away: keep the stream, look again later.
    auth::lapsed(&c.ctx, &c.user, c.epoch).await.unwrap_or(None)
}

fn sse(id: EventId, kind: &str, wire: String) -> Event {
    Event::default().id(id.to_string()).event(kind).data(wire)
}

/// Reads the log after `c.last`. Once a read comes back short and the tail
/// has emitted nothing beyond what it saw, follows the tail: subscribed
/// under the emission turn, so no batch falls between the read and the
/// first one received.
async fn catch_up(c: &mut Cursor) {
    let read = match events::read_towards(&c.ctx, &c.user, c.last, CATCH_UP_BATCH).await {
        Ok(read) => read,
        Err(e) => {
            tracing::warn!(error = %e, "event stream read failed; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            return;
        }
    };
    for e in read.events.iter() {
        c.pending.push_back(sse(e.id, &e.kind, e.wire.to_string()));
    }
    // Every event of ours up to `horizon` has been read.
    let horizon = read.horizon;
    c.last = horizon;
    let _turn = c.ctx.emitter.turn().await;
    if c.ctx.emitter.cursor() <= horizon {
        c.live = Some(c.ctx.emitter.emitted());
    }
    // Otherwise the tail emitted more meanwhile: read on from the horizon.
}

/// Waits for the tail's next batch (or the next rights check, or the
/// node's shutdown) and queues the events in this stream's rooms. Returns
/// the receiver to keep following, or `None` to read the log again (the
/// stream fell behind the tail's buffer).
async fn follow_tail(
    c: &mut Cursor,
    mut live: tokio::sync::broadcast::Receiver<Emitted>,
) -> Option<tokio::sync::broadcast::Receiver<Emitted>> {
    let wait = RECHECK.saturating_sub(c.checked.elapsed());
    let emitter = c.ctx.emitter.clone();
    let received = tokio::select! {
        _ = emitter.closed() => return Some(live),
        _ = tokio::time::sleep(wait) => return Some(live),
        received = live.recv() => received,
    };
    match received {
        Ok(Emitted(batch)) => {
            for e in batch.iter() {
                if e.id <= c.last {
                    continue;
                }
                if e.rooms.iter().any(|r| c.rooms.contains(r)) {
                    c.pending.push_back(sse(e.id, &e.kind, e.wire.clone()));
                }
                c.last = e.id;
            }
            Some(live)
        }
        Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
            tracing::debug!(missed, "event stream fell behind the tail; reading the log");
            None
        }
        Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_event_id_wins_over_since_and_must_be_a_number() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_point(&headers, Some("7")).unwrap(), Some(EventId(7)));
        headers.insert("last-event-id", HeaderValue::from_static("12"));
        assert_eq!(
            resume_point(&headers, Some("7")).unwrap(),
            Some(EventId(12))
        );
        headers.insert("last-event-id", HeaderValue::from_static("x"));
        assert!(resume_point(&headers, None).is_err());
        assert_eq!(resume_point(&HeaderMap::new(), None).unwrap(), None);
    }
}
