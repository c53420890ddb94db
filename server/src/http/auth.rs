//! `/api/auth/*` and `/api/me`.

use std::net::SocketAddr;

use app::error::AppError;
use app::model::User;
use app::service::auth::{self, Registration};
use app::service::Ctx;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tower_sessions::Session;

use super::extract::ApiJson;
use super::ApiState;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/me", get(me))
}

#[derive(Deserialize)]
struct RegisterBody {
    email: String,
    password: String,
    name: String,
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

async fn register(
    State(ctx): State<Ctx>,
    session: Session,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<User>), AppError> {
    let input = Registration::parse(&body.email, &body.password, &body.name)?;
    let user = auth::register(&ctx, &session, input).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn login(
    State(ctx): State<Ctx>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    session: Session,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<User>, AppError> {
    let user = auth::sign_in(
        &ctx,
        &session,
        &body.email,
        &body.password,
        Some(client.ip()),
    )
    .await?;
    Ok(Json(user))
}

async fn logout(State(ctx): State<Ctx>, session: Session) -> Result<StatusCode, AppError> {
    auth::sign_out(&ctx, &session).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(ctx): State<Ctx>, session: Session) -> Result<Json<User>, AppError> {
    Ok(Json(auth::require_user(&ctx, &session).await?))
}
