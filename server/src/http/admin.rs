//! Admin actions over REST: users (suspend, reinstate), live figures,
//! announcements. Anyone else: 403.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use mealstream_core::service::{admin, moderation, Ctx};
use model::admin::{Announce, Announcement, Overview, UserQuery, UserRow};
use model::error::{AppError, ErrorBody};
use model::{User, UserId};

use super::extract::{ApiJson, ApiQuery, Id};
use super::responses::{AdminRead, BodyErrors, OwnRead, PathId};
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(suspend, reinstate, users, stats, announce))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/admin/users/{id}/suspend", post(suspend))
        .route("/api/admin/users/{id}/reinstate", post(reinstate))
        .route("/api/admin/users", get(users))
        .route("/api/admin/stats", get(stats))
        .route("/api/admin/announcements", post(announce))
}

#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/suspend",
    tag = "admin",
    params(PathId),
    responses(
        (status = 200, description = "the user, suspended: their sessions and sockets end", body = User),
        (status = 409, description = "you cannot suspend yourself", body = ErrorBody),
        OwnRead
    )
)]
async fn suspend(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    Id(id): Id<UserId>,
) -> Result<Json<User>, AppError> {
    Ok(Json(moderation::suspend(&ctx, &admin, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/reinstate",
    tag = "admin",
    params(PathId),
    responses(
        (status = 200, description = "the user, reinstated", body = User),
        OwnRead
    )
)]
async fn reinstate(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    Id(id): Id<UserId>,
) -> Result<Json<User>, AppError> {
    Ok(Json(moderation::reinstate(&ctx, &admin, id).await?))
}

#[utoipa::path(
    get,
    path = "/api/admin/users",
    tag = "admin",
    params(UserQuery),
    responses(
        (status = 200, description = "the users that match, newest first; the next page is `before` the last one's id", body = Vec<UserRow>),
        (status = 422, description = "a query parameter is invalid", body = ErrorBody),
        AdminRead
    )
)]
async fn users(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<Json<Vec<UserRow>>, AppError> {
    Ok(Json(moderation::users(&ctx, &admin, &query).await?))
}

#[utoipa::path(
    get,
    path = "/api/admin/stats",
    tag = "admin",
    responses(
        (status = 200, description = "live figures: sockets by role (every node), online drivers, active orders by status, open disputes, events in the last minute", body = Overview),
        AdminRead
    )
)]
async fn stats(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<Overview>, AppError> {
    Ok(Json(admin::overview(&ctx, &user).await?))
}

#[utoipa::path(
    post,
    path = "/api/admin/announcements",
    tag = "admin",
    request_body = Announce,
    responses(
        BodyErrors,
        (status = 201, description = "sent: a toast on every open page of the audience, and a notification each", body = Announcement),
        (status = 422, description = "empty or over 500 characters, or an unknown audience", body = ErrorBody),
        AdminRead
    )
)]
async fn announce(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<Announce>,
) -> Result<(StatusCode, Json<Announcement>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(moderation::announce(&ctx, &user, &body).await?),
    ))
}
