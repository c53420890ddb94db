//! `/healthz`: the process answers. `/readyz`: the database and, when
//! configured, Redis answer too (200), or which one does not (503).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use fred::prelude::ClientLike;
use serde_json::{json, Value};

use super::ApiState;

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<ApiState>) -> (StatusCode, Json<Value>) {
    let database = state.ctx.db.ping().await.is_ok();
    let redis = match &state.redis {
        None => None,
        Some(pool) => Some(pool.ping::<String>(None).await.is_ok()),
    };
    let ready = database && redis.unwrap_or(true);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let check = |ok: bool| if ok { "ok" } else { "unavailable" };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "unavailable" },
            "database": check(database),
            "redis": redis.map(check).unwrap_or("not configured"),
        })),
    )
}
