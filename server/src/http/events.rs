//! `GET /api/events?since=&limit=`: the caller's missed events, in order —
//! the same rows a reconnecting socket replays.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use mealstream_core::service::{events, retention, Ctx};
use model::error::{AppError, ErrorBody};
use model::EventId;
use serde::Deserialize;
use serde_json::Value;

use super::extract::ApiQuery;
use super::responses::SignedInRead;
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(missed))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new().route("/api/events", get(missed))
}

#[derive(Deserialize)]
struct Since {
    since: Option<String>,
    limit: Option<String>,
}

fn number(field: &str, raw: Option<&str>, default: i64) -> Result<i64, AppError> {
    match raw {
        None => Ok(default),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| AppError::invalid(field, "must be a whole number, 0 or more")),
    }
}

#[utoipa::path(
    get,
    path = "/api/events",
    tag = "events",
    params(
        ("since" = Option<i64>, Query, description = "the last event id seen"),
        ("limit" = Option<i64>, Query, description = "at most this many")
    ),
    responses(
        (status = 200, description = "the caller's logged events after `since`, in order, each with `eventId`, `type` and `at`; header `Mealstream-Resync: true` when the log no longer holds all of them (fetch the state again)", body = Vec<Object>, headers(("Mealstream-Resync" = String, description = "`true` or `false`"))),
        (status = 422, description = "a query parameter is invalid", body = ErrorBody),
        SignedInRead
    )
)]
async fn missed(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiQuery(q): ApiQuery<Since>,
) -> Result<impl IntoResponse, AppError> {
    let since = EventId(number("since", q.since.as_deref(), 0)?);
    let limit = number("limit", q.limit.as_deref(), 100)?.clamp(1, events::MAX_REPLAY);
    let missed = events::missed(&ctx, &user, since, limit).await?;
    let resync = retention::needs_resync(&ctx, since).await?;
    Ok((
        [(RESYNC, if resync { "true" } else { "false" })],
        Json(missed.iter().map(|e| e.with_type()).collect::<Vec<Value>>()),
    ))
}

/// `true` when the log no longer holds everything after `since` (see
/// `service::retention`): the client should fetch its state again.
const RESYNC: &str = "mealstream-resync";
