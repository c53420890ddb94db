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

use leptos::prelude::ServerFnError;

/// The message a person should read from a failed server call.
pub fn error_message(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(msg) => msg.clone(),
        ServerFnError::Request(_) => "cannot reach the server, check your connection".into(),
        other => other.to_string(),
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use std::net::{IpAddr, SocketAddr};

    use axum::extract::ConnectInfo;
    use leptos::prelude::{use_context, ServerFnError};
    use tower_sessions::Session;

    use crate::error::AppError;
    use crate::model::{Role, User};
    use crate::service::{self, Ctx};

    pub async fn ctx_and_session() -> Result<(Ctx, Session), ServerFnError> {
        let ctx =
            use_context::<Ctx>().ok_or_else(|| ServerFnError::new("server context missing"))?;
        let session: Session = leptos_axum::extract()
            .await
            .map_err(|e| ServerFnError::new(format!("no session: {e}")))?;
        Ok((ctx, session))
    }

    pub async fn client_ip() -> Option<IpAddr> {
        leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .ok()
            .map(|c| c.0.ip())
    }

    pub async fn signed_in() -> Result<(Ctx, User), ServerFnError> {
        let (ctx, session) = ctx_and_session().await?;
        let user = service::auth::require_user(&ctx, &session).await?;
        Ok((ctx, user))
    }

    /// The signed-in user, who must have `role`.
    pub async fn require_role(role: Role) -> Result<(Ctx, User), ServerFnError> {
        let (ctx, session) = ctx_and_session().await?;
        let user = service::auth::require_user(&ctx, &session).await?;
        if user.role != role {
            return Err(AppError::Forbidden.into());
        }
        Ok((ctx, user))
    }
}
