//! Suspending and reinstating users. A suspension takes effect at once and
//! everywhere: the flag is checked on every request and handshake (their
//! sessions end on next use), and every socket of the user, on every node,
//! gets `session:revoked` and is disconnected.

use super::Ctx;
use crate::store;
use model::error::AppError;
use model::events::Payload;
use model::{Role, User, UserId};

use super::admin::require_admin;
use model::admin::{Announce, Announcement, UserQuery, UserRow, MAX_ANNOUNCEMENT_CHARS};
use model::rooms::Room;

/// The users `query` asks for (newest first), for the admin's users page.
pub async fn users(ctx: &Ctx, admin: &User, query: &UserQuery) -> Result<Vec<UserRow>, AppError> {
    require_admin(admin)?;
    let wanted = query.check()?;
    Ok(store::users::list(&ctx.db, &wanted).await?)
}

/// An announcement to everyone or one role: a toast on every open page of
/// theirs now (`system:announcement`, logged) and a notification kept for later.
pub async fn announce(ctx: &Ctx, admin: &User, input: &Announce) -> Result<Announcement, AppError> {
    require_admin(admin)?;
    let message = input.message.trim();
    if message.is_empty() || message.chars().count() > MAX_ANNOUNCEMENT_CHARS {
        return Err(AppError::invalid("message", "1 to 500 characters"));
    }
    let role = match input.audience.as_str() {
        "everyone" => None,
        other => Some(Role::parse(other).ok_or_else(|| {
            AppError::invalid(
                "audience",
                "everyone, customer, restaurant, driver or admin",
            )
        })?),
    };
    let rooms = match role {
        Some(role) => vec![Room::role(role)],
        None => [Role::Customer, Role::Restaurant, Role::Driver, Role::Admin]
            .into_iter()
            .map(Room::role)
            .collect(),
    };
    // One event per audience room and one INSERT ... SELECT of the kept
    // notifications: never a row and an event per user. Bells refresh on
    // the announcement itself.
    let mut tx = ctx.begin().await?;
    let at = tx.now_ms();
    let recipients = store::notifications::insert_for_audience(
        &mut tx,
        role,
        Announcement::NAME,
        "Announcement",
        message,
        at,
    )
    .await?;
    let announcement = Announcement {
        message: message.to_owned(),
        audience: input.audience.clone(),
        from: admin.name.clone(),
        recipients: recipients as i64,
    };
    tx.log(rooms, &announcement)?;
    tx.commit().await?;
    tracing::info!(admin_id = admin.id.0, audience = %input.audience, "announcement sent");
    Ok(announcement)
}

/// Suspends `user_id`; returns the user as now stored.
pub async fn suspend(ctx: &Ctx, admin: &User, user_id: UserId) -> Result<User, AppError> {
    require_admin(admin)?;
    if user_id == admin.id {
        return Err(AppError::Conflict("you cannot suspend yourself".into()));
    }
    let user = set(ctx, user_id, true).await?;
    tracing::info!(admin_id = admin.id.0, user_id = user_id.0, "user suspended");
    ctx.emitter.revoke_user(user_id, "suspended").await;
    if user.role == Role::Driver {
        // No more offers: off the fleet at once, not when the position expires.
        ctx.fleet.go_online(user_id, &user.name, false).await?;
    }
    Ok(user)
}

/// Lifts a suspension; the user signs in again.
pub async fn reinstate(ctx: &Ctx, admin: &User, user_id: UserId) -> Result<User, AppError> {
    require_admin(admin)?;
    let user = set(ctx, user_id, false).await?;
    tracing::info!(
        admin_id = admin.id.0,
        user_id = user_id.0,
        "user reinstated"
    );
    Ok(user)
}

async fn set(ctx: &Ctx, user_id: UserId, suspended: bool) -> Result<User, AppError> {
    if !store::users::set_suspended(&ctx.db, user_id, suspended).await? {
        return Err(AppError::NotFound("user"));
    }
    store::users::by_id(&ctx.db, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))
}
