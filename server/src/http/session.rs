//! The signed-in user as an extractor: 401 JSON when there is none.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use mealstream_core::service::{auth, Ctx};
use model::error::AppError;
use model::User;
use tower_sessions::Session;

pub struct SignedIn(pub User);

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    Ctx: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Unauthenticated)?;
        let ctx = Ctx::from_ref(state);
        Ok(SignedIn(auth::require_user(&ctx, &session).await?))
    }
}
