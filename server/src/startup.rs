//! Building the application: database, sessions, Socket.IO, the router;
//! binding the listener (port 0 in tests); serving until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context;
use std::sync::Arc;

use app::{shell, App};
use axum::serve::{ListenerExt, TapIo};
use axum::Router;
use fred::prelude::Pool;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use mealstream_core::service::counters::{Counters, MemoryCounters, RedisCounters};
use mealstream_core::service::ctx::{Limits, Parts};
use mealstream_core::service::fleet::{Fleet, RedisPositions};
use mealstream_core::service::stream_slots::{RedisHeld, StreamSlots};
use mealstream_core::service::{demo, dispatch, tail, Ctx};
use mealstream_core::store::Db;
use tokio::net::{TcpListener, TcpStream};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::config::Config;
use crate::http::{self, ApiState};
use crate::realtime;
use crate::sessions::{self, Sessions};

pub struct Application {
    listener: TcpListener,
    router: Router,
    ctx: Ctx,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        app::tiles::set_tile_url(config.tile_url.clone());
        crate::telemetry::metrics();
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await.context("migrations failed")?;
        let redis = match &config.redis_url {
            Some(url) => Some(sessions::redis_pool(url).await?),
            None => None,
        };
        let mut ctx = Parts::new(db);
        ctx.proxies = Arc::new(config.trusted_proxies.clone());
        // The backplanes, chosen once: this process's memory, or Redis
        // shared by every node.
        let counters: Arc<dyn Counters> = match &redis {
            None => Arc::new(MemoryCounters::default()),
            Some(pool) => Arc::new(RedisCounters::new(pool.clone(), &config.redis_prefix)),
        };
        ctx.limits = Arc::new(Limits::new(config.limits, counters));
        if let Some(pool) = &redis {
            let positions = RedisPositions::new(pool.clone(), &config.redis_prefix);
            ctx.fleet = Arc::new(Fleet::new(Arc::new(positions), ctx.clock.clone()));
            let held = RedisHeld::new(pool.clone(), &config.redis_prefix);
            ctx.streams = Arc::new(StreamSlots::new(Arc::new(held)));
        }
        let ctx = Ctx::from(ctx);
        if config.demo {
            demo::seed_if_empty(&ctx)
                .await
                .context("seeding demo data failed")?;
        }
        dispatch::restore_assignments(&ctx)
            .await
            .context("cannot restore deliveries")?;
        // The tail starts where the log ends now, before any socket connects.
        let newest = mealstream_core::store::events::latest_id(&ctx.db)
            .await
            .context("cannot read the event log")?;
        ctx.emitter.advance(newest);
        let hint = match (&config.redis_url, &redis) {
            (Some(url), Some(pool)) => {
                Some(crate::log_hints::start(url, &config.redis_prefix, pool.clone(), &ctx).await?)
            }
            _ => None,
        };
        let router = router(&config, ctx.clone(), redis).await?;
        // After the router: the Socket.IO server it installs is what the tail emits to.
        tokio::spawn(tail::run(ctx.clone(), hint));
        spawn_dispatch_sweeper(ctx.clone());
        mealstream_core::service::retention::spawn(ctx.clone(), config.retention);
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {} (MEALSTREAM_ADDR)", config.addr))?;
        Ok(Application {
            listener,
            router,
            ctx,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Serves until `shutdown` resolves, then stops accepting, closes the
    /// sockets (clients reconnect elsewhere and replay what they miss) and
    /// gives requests in flight up to `SHUTDOWN_GRACE` to finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let stopping = Arc::new(tokio::sync::Notify::new());
        let emitter = self.ctx.emitter.clone();
        let signal = {
            let stopping = stopping.clone();
            async move {
                shutdown.await;
                stopping.notify_one();
                emitter.close_all().await;
            }
        };
        let server = axum::serve(accepting(self.listener), service).with_graceful_shutdown(signal);
        tokio::select! {
            result = server => result.context("server failed"),
            _ = async { stopping.notified().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
                tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}: stopping anyway");
                Ok(())
            }
        }
    }
}

/// The listener as the server accepts from it: without Nagle on each
/// connection. A handshake, a reply and each realtime frame are small
/// writes that follow one another, and Nagle held each one back until the
/// client acknowledged the one before, which a delayed ACK puts off by up
/// to 40 ms (README, "Write path", 12-05 later).
fn accepting(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    listener.tap_io(no_delay)
}

fn no_delay(tcp: &mut TcpStream) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, "TCP_NODELAY not set on an accepted connection");
    }
}

/// How long requests in flight may take to finish at shutdown.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

async fn router(config: &Config, ctx: Ctx, redis: Option<Pool>) -> anyhow::Result<Router> {
    let leptos_options = LeptosOptions::builder()
        .output_name("mealstream")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let routes = generate_route_list(App);
    // What every render gets: the services, and the nonce the page's
    // policy names. The 404 page is a page too: with the context, its
    // header knows who is signed in.
    let page_context = {
        let ctx = ctx.clone();
        move || {
            provide_context(ctx.clone());
            http::csp::provide_nonce();
        }
    };
    let pages = Router::new()
        .leptos_routes_with_context(&leptos_options, routes, page_context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            page_context,
            shell,
        ))
        .with_state(leptos_options)
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            http::pages::guard,
        ))
        .layer(RequestBodyLimitLayer::new(http::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(http::csp::page_policy));

    let sessions = Sessions::connect(redis.as_ref()).await;
    let session_layer = sessions.clone().layer(config.secure_cookies);
    let app = Router::new()
        .merge(http::router(ApiState {
            ctx: ctx.clone(),
            redis: redis.clone(),
            sessions: sessions.clone(),
        }))
        .merge(pages);
    // Order matters: the session layer wraps Socket.IO, so the handshake
    // reads the same session as every HTTP request.
    let app = realtime::install(
        app,
        &ctx,
        &sessions,
        config.redis_url.as_deref().zip(redis.as_ref()),
        &config.redis_prefix,
        config.rights_recheck,
    )
    .await?;
    let origins =
        http::security::Origins::new(config.allowed_origins.clone(), config.public_origin.clone());
    let app = app
        .layer(session_layer)
        // Outside Socket.IO and the API: a foreign origin is refused
        // before anything reads the cookie.
        .layer(axum::middleware::from_fn_with_state(
            origins.clone(),
            http::security::origin_guard,
        ))
        .layer(http::security::cors(origins));
    Ok(http::security::headers(app, config.secure_cookies)
        .layer(CatchPanicLayer::custom(http::panic_response))
        // Every log line of a request carries its id, and so does the
        // response (`x-request-id`), so a user's report finds its logs.
        // One line per response only at debug: at a few thousand requests a
        // second, writing them cost more than the change itself. Failures
        // (5xx) are still logged, and latency is in /metrics.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid)))
}

fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
}

/// Expires unanswered offers and asks the next drivers, every two
/// seconds, until the node shuts down.
fn spawn_dispatch_sweeper(ctx: Ctx) {
    tokio::spawn(async move {
        let emitter = ctx.emitter.clone();
        emitter
            .every(std::time::Duration::from_secs(2), || async {
                if let Err(e) = dispatch::sweep(&ctx).await {
                    tracing::warn!(error = %e, "dispatch sweep failed; retrying");
                }
            })
            .await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;

    #[tokio::test]
    async fn accepted_connections_send_without_nagle() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let mut accepting = accepting(listener);
        let _client = TcpStream::connect(addr).await.expect("connect");
        let (accepted, _) = accepting.accept().await;
        assert!(accepted.nodelay().expect("read TCP_NODELAY"));
    }
}
