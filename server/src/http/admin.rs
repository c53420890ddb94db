//! Admin actions over REST: suspend and reinstate a user. Anyone else: 403.

use app::error::AppError;
use app::model::User;
use app::service::{moderation, Ctx};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};

use super::extract::Id;
use super::session::SignedIn;
use super::ApiState;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/admin/users/{id}/suspend", post(suspend))
        .route("/api/admin/users/{id}/reinstate", post(reinstate))
}

async fn suspend(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    Id(id): Id,
) -> Result<Json<User>, AppError> {
    Ok(Json(moderation::suspend(&ctx, &admin, id).await?))
}

async fn reinstate(
    State(ctx): State<Ctx>,
    SignedIn(admin): SignedIn,
    Id(id): Id,
) -> Result<Json<User>, AppError> {
    Ok(Json(moderation::reinstate(&ctx, &admin, id).await?))
}
