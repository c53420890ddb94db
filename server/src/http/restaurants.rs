//! `/api/restaurants` and `/api/menu-items`: browsing (anyone) and menu
//! edits (the restaurant's staff).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use mealstream_core::service::restaurants::{self, MenuItemPatch, NewMenuItem};
use mealstream_core::service::Ctx;
use model::error::AppError;
use model::{MenuItem, MenuItemId, Restaurant, RestaurantId, RestaurantWithMenu};
use serde::Deserialize;

use super::extract::{ApiJson, Id};
use super::responses::{NotYours, OwnWrite, PathId, Unavailable};
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one, set_open, add_item, update_item))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/restaurants", get(list))
        .route("/api/restaurants/{id}", get(one).patch(set_open))
        .route("/api/restaurants/{id}/menu", post(add_item))
        .route("/api/menu-items/{id}", patch(update_item))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct OpenBody {
    open: bool,
}

#[utoipa::path(
    patch,
    path = "/api/restaurants/{id}",
    tag = "restaurants",
    params(PathId),
    request_body = OpenBody,
    responses(
        (status = 200, description = "the restaurant, opened or closed", body = Restaurant),
        OwnWrite
    )
)]
async fn set_open(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<RestaurantId>,
    ApiJson(body): ApiJson<OpenBody>,
) -> Result<Json<Restaurant>, AppError> {
    Ok(Json(
        restaurants::set_open(&ctx, &user, id, body.open).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/api/restaurants/{id}/menu",
    tag = "restaurants",
    params(PathId),
    request_body = NewMenuItem,
    responses(
        (status = 201, description = "the new menu item", body = MenuItem),
        OwnWrite
    )
)]
async fn add_item(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<RestaurantId>,
    ApiJson(body): ApiJson<NewMenuItem>,
) -> Result<(StatusCode, Json<MenuItem>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(restaurants::add_menu_item(&ctx, &user, id, body).await?),
    ))
}

#[utoipa::path(
    patch,
    path = "/api/menu-items/{id}",
    tag = "restaurants",
    params(PathId),
    request_body = MenuItemPatch,
    responses(
        (status = 200, description = "the item as now stored", body = MenuItem),
        OwnWrite
    )
)]
async fn update_item(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<MenuItemId>,
    ApiJson(body): ApiJson<MenuItemPatch>,
) -> Result<Json<MenuItem>, AppError> {
    Ok(Json(
        restaurants::update_menu_item(&ctx, &user, id, body).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/restaurants",
    tag = "restaurants",
    responses(
        (status = 200, description = "every restaurant", body = Vec<Restaurant>),
        Unavailable
    )
)]
async fn list(State(ctx): State<Ctx>) -> Result<Json<Vec<Restaurant>>, AppError> {
    Ok(Json(restaurants::list(&ctx).await?))
}

#[utoipa::path(
    get,
    path = "/api/restaurants/{id}",
    tag = "restaurants",
    params(PathId),
    responses(
        (status = 200, description = "the restaurant and its menu", body = RestaurantWithMenu),
        NotYours,
        Unavailable
    )
)]
async fn one(
    State(ctx): State<Ctx>,
    Id(id): Id<RestaurantId>,
) -> Result<Json<RestaurantWithMenu>, AppError> {
    restaurants::with_menu(&ctx, id)
        .await
        .map(Json)
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("restaurant"),
            other => other,
        })
}
