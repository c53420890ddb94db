use leptos::prelude::*;

use super::ApiError;

use model::User;

#[server(prefix = "/_sfn")]
pub async fn current_user() -> Result<Option<User>, ApiError> {
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    Ok(mealstream_core::service::auth::current_user(&ctx, &session).await?)
}

/// Signs in; then back to `next` (the page that asked, `/login?next=...`)
/// when it is this site's and the user may open it, else home.
#[server(prefix = "/_sfn")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), ApiError> {
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    let ip = super::ssr::client_ip().await;
    let user =
        mealstream_core::service::auth::sign_in(&ctx, &session, &email, &password, ip).await?;
    leptos_axum::redirect(&model::pages::after_sign_in(user.role, next.as_deref()));
    Ok(())
}

#[server(prefix = "/_sfn")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), ApiError> {
    use mealstream_core::service::auth::{self, Registration};
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    let input = Registration::parse(&email, &password, &name)?;
    let ip = super::ssr::client_ip().await;
    let user = auth::register(&ctx, &session, input, ip).await?;
    leptos_axum::redirect(&model::pages::after_sign_in(user.role, next.as_deref()));
    Ok(())
}

#[server(prefix = "/_sfn")]
pub async fn logout() -> Result<(), ApiError> {
    let (ctx, session) = super::ssr::ctx_and_session().await?;
    mealstream_core::service::auth::sign_out(&ctx, &session).await?;
    // A plain form post (no JavaScript) is sent to the sign-in page; the
    // app navigates by itself, once.
    if super::ssr::accepts_html().await {
        leptos_axum::redirect("/login?reason=signed-out");
    }
    Ok(())
}

/// The demo accounts, if this database holds them (else an empty list).
#[server(prefix = "/_sfn")]
pub async fn demo_accounts() -> Result<Vec<model::DemoAccount>, ApiError> {
    let (ctx, _) = super::ssr::ctx_and_session().await?;
    Ok(mealstream_core::service::demo::accounts(&ctx).await?)
}
