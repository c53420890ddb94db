//! Accounts and the login session: register, sign in, sign out, and who
//! is signed in. The session is the tower-sessions one that HTTP requests
//! and the Socket.IO handshake share.

use std::net::IpAddr;

use tower_sessions::Session;

use super::{password, Ctx};
use crate::error::AppError;
use crate::model::{Email, Name, Password, Role, User};
use crate::store;

const USER_ID_KEY: &str = "uid";

pub struct Registration {
    pub email: Email,
    pub password: Password,
    pub name: Name,
}

impl Registration {
    pub fn parse(email: &str, password: &str, name: &str) -> Result<Self, AppError> {
        Ok(Self {
            email: Email::parse(email)?,
            password: Password::parse(password)?,
            name: Name::parse(name)?,
        })
    }
}

/// A new customer account, signed in on `session`.
pub async fn register(ctx: &Ctx, session: &Session, input: Registration) -> Result<User, AppError> {
    let hash = password::hash(&input.password).await?;
    let user = store::users::insert(
        &ctx.db,
        input.email.as_str(),
        input.name.as_str(),
        &hash,
        Role::Customer,
    )
    .await?
    .ok_or_else(|| AppError::Conflict("an account with this email already exists".into()))?;
    start_session(session, &user).await?;
    tracing::info!(user_id = user.id, "customer registered");
    Ok(user)
}

/// Checks the credentials and signs the user in on `session`. Wrong
/// password, unknown email and suspended account give the same error.
pub async fn sign_in(
    ctx: &Ctx,
    session: &Session,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let limits = &ctx.limits;
    if let Some(ip) = client {
        if !limits
            .login_attempts_per_client
            .hit(&ip.to_string())
            .await?
        {
            super::metrics::rate_limited("login");
            return Err(AppError::RateLimited(
                "too many sign-in attempts from this address, wait a minute and try again".into(),
            ));
        }
    }
    // An unparseable email cannot match an account; treat it as unknown.
    let email_key = email.trim().to_lowercase();
    if limits
        .login_failures_per_email
        .is_exhausted(&email_key)
        .await?
    {
        super::metrics::rate_limited("login");
        return Err(AppError::RateLimited(
            "too many failed sign-in attempts for this account, try again in 15 minutes".into(),
        ));
    }
    let found = store::users::credentials_by_email(&ctx.db, &email_key).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = password::verify(password.to_owned(), hash).await?;
    match user {
        Some(user) if matches && !user.suspended => {
            limits.login_failures_per_email.reset(&email_key).await?;
            start_session(session, &user).await?;
            tracing::info!(user_id = user.id, role = user.role.as_str(), "signed in");
            Ok(user)
        }
        _ => {
            limits.login_failures_per_email.hit(&email_key).await?;
            Err(AppError::BadCredentials)
        }
    }
}

/// Ends the session everywhere: the store forgets it and every socket
/// opened with it is told and disconnected.
pub async fn sign_out(ctx: &Ctx, session: &Session) -> Result<(), AppError> {
    let key = session_key(session);
    session.flush().await?;
    if let Some(key) = key {
        ctx.emitter.revoke_session(&key, "signed out").await;
    }
    Ok(())
}

/// A stable, non-secret name for a session, used in its room name. The
/// session id itself is the cookie's secret and never leaves the server.
pub fn session_key(session: &Session) -> Option<String> {
    use sha2::{Digest, Sha256};
    let id = session.id()?.to_string();
    let digest = Sha256::digest(id.as_bytes());
    Some(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
}

/// The signed-in user, or `None`. A suspended user's session is ended.
pub async fn current_user(ctx: &Ctx, session: &Session) -> Result<Option<User>, AppError> {
    let Some(user_id) = session.get::<i64>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    match store::users::by_id(&ctx.db, user_id).await? {
        Some(user) if !user.suspended => Ok(Some(user)),
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}

/// Like [`current_user`], for calls that need someone signed in.
pub async fn require_user(ctx: &Ctx, session: &Session) -> Result<User, AppError> {
    current_user(ctx, session)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// A new session id at every sign-in, so a fixed id planted before login
/// is worthless after it.
async fn start_session(session: &Session, user: &User) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user.id).await?;
    Ok(())
}

/// Whether the user is suspended now (read from the database, not a session).
pub async fn is_suspended(ctx: &Ctx, user_id: i64) -> Result<bool, AppError> {
    Ok(store::users::by_id(&ctx.db, user_id)
        .await?
        .is_none_or(|u| u.suspended))
}
