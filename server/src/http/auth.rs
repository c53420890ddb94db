//! `/api/auth/*` and `/api/me`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use mealstream_core::service::auth::{self, Registration};
use mealstream_core::service::Ctx;
use model::error::AppError;
use model::error::ErrorBody;
use model::User;
use serde::Deserialize;
use tower_sessions::Session;

use super::extract::{ApiJson, ClientIp};
use super::responses::{PublicWrite, SignedInRead, Unavailable};
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(register, login, logout, me))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/me", get(me))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RegisterBody {
    email: String,
    password: String,
    name: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct LoginBody {
    email: String,
    password: String,
}

#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "signed up and signed in", body = User),
        (status = 409, description = "conflicts with the current state", body = ErrorBody),
        (status = 429, description = "too many new accounts from this client", body = ErrorBody),
        PublicWrite
    )
)]
async fn register(
    State(ctx): State<Ctx>,
    ClientIp(client): ClientIp,
    session: Session,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<User>), AppError> {
    let input = Registration::parse(&body.email, &body.password, &body.name)?;
    let user = auth::register(&ctx, &session, input, Some(client)).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "signed in", body = User),
        (status = 401, description = "wrong email or password", body = ErrorBody),
        (status = 403, description = "the password is right but the account is suspended", body = ErrorBody),
        (status = 429, description = "rate-limited", body = ErrorBody),
        PublicWrite
    )
)]
async fn login(
    State(ctx): State<Ctx>,
    ClientIp(client): ClientIp,
    session: Session,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<User>, AppError> {
    let user = auth::sign_in(&ctx, &session, &body.email, &body.password, Some(client)).await?;
    Ok(Json(user))
}

#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "signed out"),
        Unavailable
    )
)]
async fn logout(State(ctx): State<Ctx>, session: Session) -> Result<StatusCode, AppError> {
    auth::sign_out(&ctx, &session).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/me",
    tag = "auth",
    responses(
        (status = 200, description = "the signed-in user", body = User),
        SignedInRead
    )
)]
async fn me(State(ctx): State<Ctx>, session: Session) -> Result<Json<User>, AppError> {
    Ok(Json(auth::require_user(&ctx, &session).await?))
}
