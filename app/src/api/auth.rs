use leptos::prelude::*;

use crate::model::User;

#[server(prefix = "/_sfn")]
pub async fn current_user() -> Result<Option<User>, ServerFnError> {
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    Ok(crate::service::auth::current_user(&ctx, &session).await?)
}

#[server(prefix = "/_sfn")]
pub async fn login(email: String, password: String) -> Result<(), ServerFnError> {
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    let ip = super::ssr::client_ip().await;
    let user = crate::service::auth::sign_in(&ctx, &session, &email, &password, ip).await?;
    leptos_axum::redirect(user.role.home());
    Ok(())
}

#[server(prefix = "/_sfn")]
pub async fn register(name: String, email: String, password: String) -> Result<(), ServerFnError> {
    use crate::service::auth::{self, Registration};
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    let input = Registration::parse(&email, &password, &name)?;
    let user = auth::register(&ctx, &session, input).await?;
    leptos_axum::redirect(user.role.home());
    Ok(())
}

#[server(prefix = "/_sfn")]
pub async fn logout() -> Result<(), ServerFnError> {
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    crate::service::auth::sign_out(&ctx, &session).await?;
    leptos_axum::redirect("/login?reason=signed-out");
    Ok(())
}
