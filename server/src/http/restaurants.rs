//! `/api/restaurants`: browsing, open to anyone.

use app::error::AppError;
use app::model::{Restaurant, RestaurantWithMenu};
use app::service::{restaurants, Ctx};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use super::extract::Id;
use super::ApiState;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/restaurants", get(list))
        .route("/api/restaurants/{id}", get(one))
}

async fn list(State(ctx): State<Ctx>) -> Result<Json<Vec<Restaurant>>, AppError> {
    Ok(Json(restaurants::list(&ctx).await?))
}

async fn one(State(ctx): State<Ctx>, Id(id): Id) -> Result<Json<RestaurantWithMenu>, AppError> {
    restaurants::with_menu(&ctx, id).await.map(Json).map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("restaurant"),
        other => other,
    })
}
