//! `/api/restaurants` and `/api/menu-items`: browsing (anyone) and menu
//! edits (the restaurant's staff).

use app::error::AppError;
use app::model::{MenuItem, Restaurant, RestaurantWithMenu};
use app::service::restaurants::{self, MenuItemPatch, NewMenuItem};
use app::service::Ctx;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::extract::{ApiJson, Id};
use super::session::SignedIn;
use super::ApiState;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/restaurants", get(list))
        .route("/api/restaurants/{id}", get(one).patch(set_open))
        .route("/api/restaurants/{id}/menu", post(add_item))
        .route("/api/menu-items/{id}", patch(update_item))
}

#[derive(Deserialize)]
struct OpenBody {
    open: bool,
}

async fn set_open(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
    ApiJson(body): ApiJson<OpenBody>,
) -> Result<Json<Restaurant>, AppError> {
    Ok(Json(
        restaurants::set_open(&ctx, &user, id, body.open).await?,
    ))
}

async fn add_item(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
    ApiJson(body): ApiJson<NewMenuItem>,
) -> Result<(StatusCode, Json<MenuItem>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(restaurants::add_menu_item(&ctx, &user, id, body).await?),
    ))
}

async fn update_item(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
    ApiJson(body): ApiJson<MenuItemPatch>,
) -> Result<Json<MenuItem>, AppError> {
    Ok(Json(
        restaurants::update_menu_item(&ctx, &user, id, body).await?,
    ))
}

async fn list(State(ctx): State<Ctx>) -> Result<Json<Vec<Restaurant>>, AppError> {
    Ok(Json(restaurants::list(&ctx).await?))
}

async fn one(State(ctx): State<Ctx>, Id(id): Id) -> Result<Json<RestaurantWithMenu>, AppError> {
    restaurants::with_menu(&ctx, id)
        .await
        .map(Json)
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("restaurant"),
            other => other,
        })
}
