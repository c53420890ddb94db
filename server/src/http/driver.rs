//! `/api/driver/*` and accepting an offer: for clients without a socket.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use mealstream_core::service::{dispatch, driver_home, driver_live, Ctx};
use model::error::{AppError, ErrorBody};
use model::events::DeliveryOffer;
use model::requests::{Availability, LocationReport};
use model::{Delivered, Order, OrderId};
use serde_json::{json, Value};

use super::extract::{ApiJson, Id};
use super::responses::{OwnRead, PathId, RoleRead, RoleWrite};
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(availability, offers, deliveries, location, accept, decline))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/driver/availability", post(availability))
        .route("/api/driver/offers", get(offers))
        .route("/api/driver/deliveries", get(deliveries))
        .route("/api/driver/location", post(location))
        .route("/api/orders/{id}/accept", post(accept))
        .route("/api/orders/{id}/decline", post(decline))
}

#[utoipa::path(
    post,
    path = "/api/driver/availability",
    tag = "drivers",
    request_body = Availability,
    responses(
        (status = 200, description = "`{online}`", body = Object),
        RoleWrite
    )
)]
async fn availability(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<Availability>,
) -> Result<Json<Value>, AppError> {
    driver_live::set_availability(&ctx, &user, &body).await?;
    Ok(Json(json!({ "online": body.online })))
}

#[utoipa::path(
    get,
    path = "/api/driver/offers",
    tag = "drivers",
    responses(
        (status = 200, description = "the driver's live offers", body = Vec<DeliveryOffer>),
        RoleRead
    )
)]
async fn offers(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<DeliveryOffer>>, AppError> {
    Ok(Json(dispatch::offers_for(&ctx, &user).await?))
}

#[utoipa::path(
    get,
    path = "/api/driver/deliveries",
    tag = "drivers",
    responses(
        (status = 200, description = "the driver's deliveries of the last 36 hours, newest first, with their pay", body = Vec<Delivered>),
        RoleRead
    )
)]
async fn deliveries(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<Delivered>>, AppError> {
    Ok(Json(driver_home::deliveries(&ctx, &user).await?))
}

#[utoipa::path(
    post,
    path = "/api/driver/location",
    tag = "drivers",
    request_body = LocationReport,
    responses(
        (status = 202, description = "`{sent}`: whether it moved enough to be sent on", body = Object),
        (status = 429, description = "rate-limited", body = ErrorBody),
        RoleWrite
    )
)]
async fn location(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<LocationReport>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let sent = driver_live::report_location(&ctx, &user, &body).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "sent": sent }))))
}

#[utoipa::path(
    post,
    path = "/api/orders/{id}/accept",
    tag = "drivers",
    params(PathId),
    responses(
        (status = 200, description = "the order, now the driver's", body = Order),
        (status = 409, description = "the offer expired, was taken, or the driver is busy", body = ErrorBody),
        OwnRead
    )
)]
async fn accept(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(dispatch::accept(&ctx, &user, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/orders/{id}/decline",
    tag = "drivers",
    params(PathId),
    responses(
        (status = 204, description = "declined (or declined already): the offer never comes back to this driver"),
        (status = 409, description = "no live offer to decline: taken or expired", body = ErrorBody),
        RoleRead
    )
)]
async fn decline(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
) -> Result<StatusCode, AppError> {
    dispatch::decline(&ctx, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
