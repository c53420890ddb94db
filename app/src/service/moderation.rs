//! Suspending and reinstating users. A suspension takes effect at once and
//! everywhere: the flag is checked on every request and handshake (their
//! sessions end on next use), and every socket of the user, on every node,
//! gets `session:revoked` and is disconnected.

use super::Ctx;
use crate::error::AppError;
use crate::model::{Role, User};
use crate::store;

fn require_admin(actor: &User) -> Result<(), AppError> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Suspends `user_id`; returns the user as now stored.
pub async fn suspend(ctx: &Ctx, admin: &User, user_id: i64) -> Result<User, AppError> {
    require_admin(admin)?;
    if user_id == admin.id {
        return Err(AppError::Conflict("you cannot suspend yourself".into()));
    }
    let user = set(ctx, user_id, true).await?;
    tracing::info!(admin_id = admin.id, user_id, "user suspended");
    ctx.emitter.revoke_user(user_id, "suspended").await;
    Ok(user)
}

/// Lifts a suspension; the user signs in again.
pub async fn reinstate(ctx: &Ctx, admin: &User, user_id: i64) -> Result<User, AppError> {
    require_admin(admin)?;
    let user = set(ctx, user_id, false).await?;
    tracing::info!(admin_id = admin.id, user_id, "user reinstated");
    Ok(user)
}

async fn set(ctx: &Ctx, user_id: i64, suspended: bool) -> Result<User, AppError> {
    if !store::users::set_suspended(&ctx.db, user_id, suspended).await? {
        return Err(AppError::NotFound("user"));
    }
    store::users::by_id(&ctx.db, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))
}
