//! Disputes over REST: a customer opens one on a delivered order; admins
//! list and resolve them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use mealstream_core::service::{disputes, Ctx};
use model::dispute::{Dispute, OpenDispute, ResolveDispute};
use model::error::{AppError, ErrorBody};

use super::extract::{ApiJson, Id};
use super::responses::{AdminRead, BodyErrors, SignedInRead};
use super::session::SignedIn;
use super::ApiState;
use model::{DisputeId, OrderId};

#[derive(utoipa::OpenApi)]
#[openapi(paths(open, list, resolve))]
pub struct Api;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/api/orders/{id}/dispute", post(open))
        .route("/api/disputes", get(list))
        .route("/api/disputes/{id}/resolve", post(resolve))
}

#[utoipa::path(
    post,
    path = "/api/orders/{id}/dispute",
    tag = "disputes",
    params(
        ("id" = i64, Path, description = "the order")
    ),
    request_body = OpenDispute,
    responses(
        BodyErrors,
        (status = 201, description = "opened; admins see it live", body = Dispute),
        (status = 403, description = "admins do not open disputes", body = ErrorBody),
        (status = 404, description = "no such order of yours", body = ErrorBody),
        (status = 409, description = "not delivered, delivered over 7 days ago, or a dispute is already open", body = ErrorBody),
        (status = 422, description = "unknown reason or details too long", body = ErrorBody),
        SignedInRead
    )
)]
async fn open(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<OrderId>,
    ApiJson(body): ApiJson<OpenDispute>,
) -> Result<(StatusCode, Json<Dispute>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(disputes::open(&ctx, &user, id, &body).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/api/disputes",
    tag = "disputes",
    responses(
        (status = 200, description = "admins: every dispute, open first; customers: their own", body = Vec<Dispute>),
        (status = 403, description = "neither a customer nor an admin", body = ErrorBody),
        SignedInRead
    )
)]
async fn list(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<Dispute>>, AppError> {
    Ok(Json(disputes::list(&ctx, &user, None).await?))
}

#[utoipa::path(
    post,
    path = "/api/disputes/{id}/resolve",
    tag = "disputes",
    params(
        ("id" = i64, Path, description = "the dispute")
    ),
    request_body = ResolveDispute,
    responses(
        BodyErrors,
        (status = 200, description = "resolved; the customer is told live", body = Dispute),
        (status = 404, description = "no such dispute", body = ErrorBody),
        (status = 409, description = "already resolved", body = ErrorBody),
        (status = 422, description = "unknown resolution, a refund above the order's total, or no note", body = ErrorBody),
        AdminRead
    )
)]
async fn resolve(
    State(ctx): State<Ctx>,
    SignedIn(user): SignedIn,
    Id(id): Id<DisputeId>,
    ApiJson(body): ApiJson<ResolveDispute>,
) -> Result<Json<Dispute>, AppError> {
    Ok(Json(disputes::resolve(&ctx, &user, id, &body).await?))
}
