//! Admin actions over REST: suspend and reinstate a user. Anyone else: 403.

use app::error::{AppError, ErrorBody};
use app::model::User;
use app::service::{moderation, Ctx};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};

use super::extract::Id;
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(suspend, reinstate))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/admin/users/{id}/suspend", post(suspend))
        .route("/api/admin/users/{id}/reinstate", post(reinstate))
}

#[utoipa::path(post, path = "/api/admin/users/{id}/suspend", tag = "admin", params(("id" = i64, Path, description = "numeric id")), responses((status = 200, description = "the user, suspended: their sessions and sockets end", body = User), (status = 401, description = "not signed in", body = ErrorBody), (status = 403, description = "not allowed for this user", body = ErrorBody), (status = 404, description = "no such resource, or not yours", body = ErrorBody), (status = 409, description = "you cannot suspend yourself", body = ErrorBody), (status = 503, description = "the database or Redis is unavailable", body = ErrorBody)))]
async fn suspend(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    Id(id): Id,
) -> Result<Json<User>, AppError> {
    Ok(Json(moderation::suspend(&ctx, &admin, id).await?))
}

#[utoipa::path(post, path = "/api/admin/users/{id}/reinstate", tag = "admin", params(("id" = i64, Path, description = "numeric id")), responses((status = 200, description = "the user, reinstated", body = User), (status = 401, description = "not signed in", body = ErrorBody), (status = 403, description = "not allowed for this user", body = ErrorBody), (status = 404, description = "no such resource, or not yours", body = ErrorBody), (status = 503, description = "the database or Redis is unavailable", body = ErrorBody)))]
async fn reinstate(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    Id(id): Id,
) -> Result<Json<User>, AppError> {
    Ok(Json(moderation::reinstate(&ctx, &admin, id).await?))
}
