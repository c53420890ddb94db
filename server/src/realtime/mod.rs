//! Socket.IO: the layer, the namespace, and its handlers. Handlers check
//! who the socket is (set at connect) and call services; they never emit
//! to rooms themselves (`app::realtime::emit` does).

mod chat;
mod connect;
mod driver;
pub mod limits;
mod orders;

use anyhow::Context;
use app::realtime::emit::{Io, RedisAdapter};
use app::service::Ctx;
use axum::Router;
use fred::prelude::{Config as RedisConfig, ReconnectPolicy};
use fred::types::RespVersion;
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;
use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};

/// Largest Engine.IO packet a client may send, in bytes; beyond it the
/// transport closes the connection.
pub const MAX_PAYLOAD: u64 = 64 * 1024;
/// Largest event payload a handler reads: beyond it an error ack, and the
/// socket stays connected.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;

/// Reads an event's payload into `T`: unreadable -> 400-like "malformed",
/// too large -> "too_large", wrong shape -> "invalid".
fn parse<T: serde::de::DeserializeOwned>(
    data: Result<serde_json::Value, impl std::fmt::Display>,
) -> Result<T, app::error::AppError> {
    let value =
        data.map_err(|e| app::error::AppError::Malformed(format!("unreadable payload: {e}")))?;
    check_size(&value)?;
    serde_json::from_value(value)
        .map_err(|e| app::error::AppError::invalid("payload", e.to_string()))
}

/// The acknowledgement: the handler's answer, or `{ok: false, error}`.
fn answer(result: Result<serde_json::Value, app::error::AppError>) -> serde_json::Value {
    match result {
        Ok(value) => value,
        Err(e) => serde_json::to_value(app::realtime::events::Ack::<()>::err(&e))
            .unwrap_or(serde_json::Value::Null),
    }
}

fn check_size(value: &serde_json::Value) -> Result<(), app::error::AppError> {
    let size = serde_json::to_string(value)
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > MAX_EVENT_BYTES {
        return Err(app::error::AppError::TooLarge(format!(
            "event payload over {} KiB",
            MAX_EVENT_BYTES / 1024
        )));
    }
    Ok(())
}

/// Wraps `router` in the Socket.IO layer: on its own in embedded mode, or,
/// with `redis_url`, joined to every node sharing that Redis (and
/// `prefix`), so a broadcast on one node reaches sockets on all of them.
pub async fn install<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    ctx: &Ctx,
    redis_url: Option<&str>,
    prefix: &str,
) -> anyhow::Result<Router<S>> {
    let builder = SocketIo::builder()
        .with_state(ctx.clone())
        .with_state(limits::UserSockets::default())
        .max_payload(MAX_PAYLOAD);
    let Some(url) = redis_url else {
        let (layer, io) = builder.build_layer();
        io.ns("/", connect::on_connect.with(connect::authenticate));
        ctx.emitter.attach(Io::Local(io));
        return Ok(router.layer(layer));
    };
    let mut config = RedisConfig::from_url(url).context("invalid REDIS_URL")?;
    // The adapter speaks RESP3 (Redis 7+); fred does not read it from the URL.
    config.version = RespVersion::RESP3;
    let client = fred::prelude::Builder::from_config(config)
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .build_subscriber_client()
        .context("cannot create the Redis subscriber")?;
    // The driver connects the subscriber itself.
    let adapter = RedisAdapterCtr::new_with_fred_config(
        client,
        RedisAdapterConfig::default().with_prefix(format!("{prefix}-socket.io")),
    )
    .await
    .with_context(|| format!("cannot start the Socket.IO Redis adapter at {url}"))?;
    let (layer, io) = builder.with_adapter::<RedisAdapter>(adapter).build_layer();
    io.ns("/", connect::on_connect.with(connect::authenticate))
        .await
        .context("cannot subscribe the Socket.IO namespace in Redis")?;
    ctx.emitter.attach(Io::Redis(io));
    Ok(router.layer(layer))
}
