//! `/api/driver/*` and accepting an offer: for clients without a socket.

use app::error::AppError;
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

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/driver/availability", post(availability))
        .route("/api/driver/offers", get(offers))
        .route("/api/driver/location", post(location))
        .route("/api/orders/{id}/accept", post(accept))
}

async fn availability(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<Availability>,
) -> Result<Json<Value>, AppError> {
    dispatch::set_availability(&ctx, &user, &body).await?;
    Ok(Json(json!({ "online": body.online })))
}

async fn offers(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<DeliveryOffer>>, AppError> {
    Ok(Json(dispatch::offers_for(&ctx, &user).await?))
}

async fn location(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<LocationReport>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let sent = dispatch::report_location(&ctx, &user, &body).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "sent": sent }))))
}

async fn accept(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id,
) -> Result<Json<Order>, AppError> {
    Ok(Json(dispatch::accept(&ctx, &user, id).await?))
}
