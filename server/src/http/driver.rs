//! `/api/driver/*` and accepting an offer: for clients without a socket.

use app::error::{AppError, ErrorBody};
use app::model::Order;
use app::realtime::events::{Availability, DeliveryOffer, LocationReport};
use app::service::{dispatch, Ctx};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::extract::{ApiJson, Id};
use super::session::SignedIn;
use super::ApiState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(availability, offers, location, accept))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/driver/availability", post(availability))
        .route("/api/driver/offers", get(offers))
        .route("/api/driver/location", post(location))
        .route("/api/orders/{id}/accept", post(accept))
}

#[utoipa::path(post, path = "/api/driver/availability", tag = "drivers", request_body = Availability, responses((status = 200, description = "`{online}`", body = Object), (status = 400, description = "malformed JSON", body = ErrorBody), (status = 413, description = "body over 64 KiB", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody), (status = 401, description = "not signed in", body = ErrorBody), (status = 403, description = "not allowed for this user", body = ErrorBody), (status = 503, description = "the database or Redis is unavailable", body = ErrorBody)))]
async fn availability(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<Availability>,
) -> Result<Json<Value>, AppError> {
    dispatch::set_availability(&ctx, &user, &body).await?;
    Ok(Json(json!({ "online": body.online })))
}

#[utoipa::path(get, path = "/api/driver/offers", tag = "drivers", responses((status = 200, description = "the driver's live offers", body = Vec<DeliveryOffer>), (status = 401, description = "not signed in", body = ErrorBody), (status = 403, description = "not allowed for this user", body = ErrorBody), (status = 503, description = "the database or Redis is unavailable", body = ErrorBody)))]
async fn offers(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<DeliveryOffer>>, AppError> {
    Ok(Json(dispatch::offers_for(&ctx, &user).await?))
}

#[utoipa::path(post, path = "/api/driver/location", tag = "drivers", request_body = LocationReport, responses((status = 202, description = "`{sent}`: whether it moved enough to be sent on", body = Object), (status = 400, description = "malformed JSON", body = ErrorBody), (status = 413, description = "body over 64 KiB", body = ErrorBody), (status = 422, description = "a field is invalid (named in `field`)", body = ErrorBody), (status = 401, description = "not signed in", body = ErrorBody), (status = 403, description = "not allowed for this user", body = ErrorBody), (status = 429, description = "rate-limited", body = ErrorBody), (status = 503, description = "the database or Redis is unavailable", body = ErrorBody)))]
async fn location(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<LocationReport>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let sent = dispatch::report_location(&ctx, &user, &body).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "sent": sent }))))
}

#[utoipa::path(post, path = "/api/orders/{id}/accept", tag = "drivers", params(("id" = i64, Path, description = "numeric id")), responses((status = 200, description = "the order, now the driver's", body = Order), (status = 401, description = "not signed in", body = ErrorBody), (status = 403, description = "not allowed for this user", body = ErrorBody), (status = 404, description = "no such resource, or not yours", body = ErrorBody), (status = 409, description = "the offer expired, was taken, or the driver is busy", body = ErrorBody), (status = 503, description = "the database or Redis is unavailable", body = ErrorBody)))]
async fn accept(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
) -> Result<Json<Order>, AppError> {
    Ok(Json(dispatch::accept(&ctx, &user, id).await?))
}
