//! Socket.IO: the layer, the namespace, and its handlers. Handlers check
//! who the socket is (set at connect) and call services; they never emit
//! to rooms themselves (`mealstream_core::emit` does).

mod call;
mod chat;
mod connect;
mod driver;
pub mod limits;
mod menu;
mod orders;
mod rights;
mod socket_user;
mod user_sockets;

use anyhow::Context;
use axum::Router;
use fred::prelude::{Config as RedisConfig, ReconnectPolicy};
use fred::types::RespVersion;
use mealstream_core::emit::RedisAdapter;
use mealstream_core::service::Ctx;
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;
use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};

/// Largest Engine.IO packet a client may send, in bytes; beyond it the
/// transport closes the connection.
pub const MAX_PAYLOAD: u64 = 64 * 1024;
/// Packets one socket may have queued for sending.
pub const SOCKET_QUEUE: usize = 4096;

/// Wraps `router` in the Socket.IO layer (sockets are checked against
/// `sessions`, the store of the session layer): on its own in embedded mode, or,
/// with `redis` (its URL and a pool), joined to every node sharing that Redis (and
/// `prefix`), so a broadcast on one node reaches sockets on all of them.
pub async fn install<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    ctx: &Ctx,
    sessions: &crate::sessions::Sessions,
    redis: Option<(&str, &fred::prelude::Pool)>,
    prefix: &str,
    rights_every: std::time::Duration,
) -> anyhow::Result<Router<S>> {
    let user_sockets = match redis {
        None => user_sockets::UserSockets::default(),
        Some((url, pool)) => user_sockets::UserSockets::shared(pool.clone(), prefix, &ctx.emitter)
            .await
            .with_context(|| {
                format!(
                    "cannot register sockets in Redis at {}",
                    mealstream_core::store::db::redact_url(url)
                )
            })?,
    };
    let builder = SocketIo::builder()
        .with_state(ctx.clone())
        .with_state(user_sockets)
        .with_state(sessions.clone())
        .max_payload(MAX_PAYLOAD)
        // Packets queued per socket before an emit fails. The default (128)
        // is less than one capped replay (`MAX_REPLAY`) or an admin's burst
        // at a few thousand changes a second; the queue grows only as used.
        .max_buffer_size(SOCKET_QUEUE)
        // Client events are small (a location report is ~100 bytes); a
        // larger one grows the buffer. Every open socket keeps this much.
        .ws_read_buffer_size(256);
    let Some((url, _)) = redis else {
        let (layer, io) = builder.build_layer();
        io.ns("/", connect::on_connect.with(connect::authenticate));
        rights::spawn(io.clone(), ctx.clone(), rights_every);
        ctx.emitter
            .on_stalled(connect::on_stalled(io.clone(), ctx.clone()));
        ctx.emitter.attach(io);
        return Ok(router
            .layer(layer)
            .layer(axum::middleware::map_request(own_handshake)));
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
    .with_context(|| {
        format!(
            "cannot start the Socket.IO Redis adapter at {}",
            mealstream_core::store::db::redact_url(url)
        )
    })?;
    let (layer, io) = builder.with_adapter::<RedisAdapter>(adapter).build_layer();
    io.ns("/", connect::on_connect.with(connect::authenticate))
        .await
        .context("cannot subscribe the Socket.IO namespace in Redis")?;
    rights::spawn(io.clone(), ctx.clone(), rights_every);
    ctx.emitter
        .on_stalled(connect::on_stalled(io.clone(), ctx.clone()));
    ctx.emitter.attach(io);
    Ok(router
        .layer(layer)
        .layer(axum::middleware::map_request(own_handshake)))
}

/// Runs just before the Socket.IO layer: see [`detach_from_read_buffer`].
async fn own_handshake(req: axum::extract::Request) -> axum::extract::Request {
    detach_from_read_buffer(req)
}

/// hyper parses the URI and header values as slices of the connection's
/// read buffer (8-16 KiB), and socketioxide keeps the handshake's request
/// parts for the whole life of the socket: each socket kept that buffer
/// alive, through its headers and through the cookie jar tower-sessions
/// leaves in the extensions (the session is already read by now). Owned
/// copies, and no jar, let it go once the connection is upgraded. A
/// WebSocket upgrade keeps only what the upgrade and the handshake read:
/// the `sec-websocket-*`, `upgrade` and `connection` headers, hyper's
/// upgrade handle and the session; every other header and extension
/// (routing's, tracing's, the request id) would be held per socket for
/// nothing (measured by `mealstream loadtest --scenario idle`).
pub fn detach_from_read_buffer(mut req: axum::extract::Request) -> axum::extract::Request {
    if !req.uri().path().starts_with("/socket.io") {
        return req;
    }
    req.extensions_mut().remove::<tower_cookies::Cookies>();
    let headers = std::mem::take(req.headers_mut());
    let websocket = headers
        .get(http::header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    let kept = |name: &http::HeaderName| {
        !websocket
            || matches!(name.as_str(), "upgrade" | "connection")
            || name.as_str().starts_with("sec-websocket-")
    };
    let mut owned = http::HeaderMap::with_capacity(headers.keys().filter(|n| kept(n)).count());
    for (name, value) in headers.iter().filter(|(n, _)| kept(n)) {
        if let Ok(mut copy) = http::HeaderValue::from_bytes(value.as_bytes()) {
            copy.set_sensitive(value.is_sensitive());
            owned.append(name.clone(), copy);
        }
    }
    *req.headers_mut() = owned;
    if websocket {
        let mut kept = http::Extensions::new();
        if let Some(upgrade) = req.extensions_mut().remove::<hyper::upgrade::OnUpgrade>() {
            kept.insert(upgrade);
        }
        if let Some(session) = req.extensions_mut().remove::<tower_sessions::Session>() {
            kept.insert(session);
        }
        *req.extensions_mut() = kept;
    }
    if let Ok(uri) = http::Uri::try_from(req.uri().to_string()) {
        if let Some(original) = req.extensions_mut().get_mut::<axum::extract::OriginalUri>() {
            original.0 = uri.clone();
        }
        *req.uri_mut() = uri;
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> axum::extract::Request {
        let mut req = http::Request::builder()
            .uri(path)
            .header("cookie", "mealstream_session=abc")
            .header("x-custom", "1")
            .header("x-custom", "2")
            .body(axum::body::Body::empty())
            .expect("request");
        req.headers_mut()
            .get_mut("cookie")
            .expect("cookie")
            .set_sensitive(true);
        req
    }

    #[test]
    fn handshake_keeps_everything_in_owned_copies() {
        let req = detach_from_read_buffer(request("/socket.io/?EIO=4&transport=websocket"));
        assert_eq!(req.uri().path(), "/socket.io/");
        assert_eq!(req.uri().query(), Some("EIO=4&transport=websocket"));
        let cookie = &req.headers()["cookie"];
        assert_eq!(cookie, "mealstream_session=abc");
        assert!(cookie.is_sensitive());
        let custom: Vec<_> = req.headers().get_all("x-custom").iter().collect();
        assert_eq!(custom, ["1", "2"]);
    }

    #[test]
    fn a_websocket_upgrade_keeps_only_what_the_upgrade_needs() {
        let mut req = request("/socket.io/?EIO=4&transport=websocket");
        for (name, value) in [
            ("upgrade", "websocket"),
            ("connection", "Upgrade"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("sec-websocket-version", "13"),
            ("origin", "http://127.0.0.1:3000"),
        ] {
            req.headers_mut()
                .insert(name, http::HeaderValue::from_static(value));
        }
        req.extensions_mut().insert(7u32);
        let req = detach_from_read_buffer(req);
        let mut names: Vec<_> = req.headers().keys().map(|n| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "connection",
                "sec-websocket-key",
                "sec-websocket-version",
                "upgrade"
            ]
        );
        // Nothing the socket does not read is kept for its life.
        assert!(req.extensions().get::<u32>().is_none());
    }

    #[test]
    fn other_requests_pass_untouched() {
        let req = detach_from_read_buffer(request("/api/me"));
        assert_eq!(req.uri(), "/api/me");
        assert_eq!(req.headers().len(), 3);
    }
}
