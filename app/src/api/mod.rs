//! Server functions: thin front doors that parse, call `service::*`, and
//! return plain data. The REST handlers call the same services.

pub mod admin;
pub mod auth;
pub mod chat;
pub mod disputes;
pub mod driver;
pub mod menu;
pub mod notifications;
pub mod orders;
pub mod restaurants;

pub use crate::error::ApiError;

/// The sentence a person should read from a failed server call.
pub fn error_message(e: &ApiError) -> String {
    e.message()
}

/// What the last run of `action` failed with, as a sentence; `None` until
/// it fails.
pub fn failure<I, O>(
    action: leptos::prelude::Action<I, Result<O, ApiError>>,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    use leptos::prelude::*;
    move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_message(&e))
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use std::net::{IpAddr, SocketAddr};

    use axum::extract::ConnectInfo;
    use leptos::prelude::use_context;
    use tower_sessions::Session;

    use crate::error::AppError;
    use mealstream_core::service::{self, Ctx};
    use model::{Role, User};

    pub async fn ctx_and_session() -> Result<(Ctx, Session), AppError> {
        let ctx = use_context::<Ctx>()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("server context missing")))?;
        let session: Session = leptos_axum::extract()
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("no session: {e}")))?;
        Ok((ctx, session))
    }

    /// Whether the caller is a browser posting a plain form (no JavaScript).
    pub async fn accepts_html() -> bool {
        leptos_axum::extract::<http::HeaderMap>()
            .await
            .ok()
            .and_then(|h| {
                h.get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false)
    }

    /// The client's address, through the trusted proxies.
    pub async fn client_ip() -> Option<IpAddr> {
        let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .ok()?
            .0
            .ip();
        let headers = leptos_axum::extract::<http::HeaderMap>().await.ok()?;
        let ctx = use_context::<Ctx>()?;
        Some(ctx.proxies.client_of(peer, &headers))
    }

    pub async fn signed_in() -> Result<(Ctx, User), AppError> {
        let (ctx, session) = ctx_and_session().await?;
        let user = service::auth::require_user(&ctx, &session).await?;
        Ok((ctx, user))
    }

    /// The signed-in user, who must have `role`.
    pub async fn require_role(role: Role) -> Result<(Ctx, User), AppError> {
        let (ctx, session) = ctx_and_session().await?;
        let user = service::auth::require_user(&ctx, &session).await?;
        if user.role != role {
            return Err(AppError::Forbidden);
        }
        Ok((ctx, user))
    }
}
