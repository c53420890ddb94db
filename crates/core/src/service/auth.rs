//! Accounts and the login session: register, sign in, sign out, and who
//! is signed in. The session is the tower-sessions one that HTTP requests
//! and the Socket.IO handshake share.

use std::net::IpAddr;

use tower_sessions::Session;

use super::{password, Ctx};
use crate::store;
use model::error::AppError;
use model::{Email, Name, Password, Role, User, UserId};

const USER_ID_KEY: &str = "uid";
/// The user's session epoch at sign-in (see `store::users::with_epoch`).
const EPOCH_KEY: &str = "ep";

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

/// A new customer account, signed in on `session`. At most a few per
/// client address an hour: each costs a password hash.
pub async fn register(
    ctx: &Ctx,
    session: &Session,
    input: Registration,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    if let Some(ip) = client {
        ctx.limits
            .registrations_per_client
            .check(
                &ip.to_string(),
                "too many new accounts from this address, try again later",
            )
            .await?;
    }
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
    start_session(session, &user, 0).await?;
    tracing::info!(user_id = user.id.0, "customer registered");
    Ok(user)
}

/// Checks the credentials and signs the user in on `session`. A wrong
/// password and an unknown email give the same error; only someone who
/// knows the password learns that the account is suspended.
pub async fn sign_in(
    ctx: &Ctx,
    session: &Session,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let limits = &ctx.limits;
    // An unparseable email cannot match an account; treat it as unknown.
    // A long one is refused before it becomes a rate-limit key.
    let email_key = email.trim().to_lowercase();
    if email_key.chars().count() > Email::MAX_CHARS {
        return Err(AppError::invalid(
            "email",
            format!(
                "an email address is at most {} characters",
                Email::MAX_CHARS
            ),
        ));
    }
    if let Some(ip) = client {
        limits
            .login_attempts_per_client
            .check(
                &ip.to_string(),
                "too many sign-in attempts from this address, wait a minute and try again",
            )
            .await?;
    }
    // The attempt is counted before the (slow) password check, atomically:
    // 40 guesses sent at once get 5 checks, not 40.
    limits
        .password_checks_per_email
        .check(
            &email_key,
            "too many failed sign-in attempts for this account, try again in 15 minutes",
        )
        .await?;
    let found = store::users::credentials_by_email(&ctx.db, &email_key).await?;
    let (user, hash, epoch) = match found {
        Some((user, hash, epoch)) => (Some(user), Some(hash), epoch),
        None => (None, None, 0),
    };
    let matches = password::verify(password.to_owned(), hash).await?;
    match user {
        Some(user) if matches && user.suspended => {
            tracing::info!(user_id = user.id.0, "sign-in refused: suspended");
            Err(AppError::Suspended)
        }
        Some(user) if matches => {
            limits.password_checks_per_email.reset(&email_key).await?;
            // Signing in over someone's live session ends that session's
            // sockets: they must not outlive it under a new id. The old
            // record is deleted (`cycle_id`) before the revoke goes out, so
            // a socket that joins the old session's room just after the
            // revoke finds it gone when it looks (`realtime::connect`).
            let replaced = match session.get::<UserId>(USER_ID_KEY).await? {
                Some(_) => session_key(session),
                None => None,
            };
            start_session(session, &user, epoch).await?;
            if let Some(old) = replaced {
                ctx.emitter.revoke_session(&old, "signed in again").await;
            }
            tracing::info!(user_id = user.id.0, role = user.role.as_str(), "signed in");
            Ok(user)
        }
        _ => {
            tracing::info!("sign-in refused: wrong email or password");
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
    session.id().map(|id| key_of(&id))
}

/// [`session_key`] of the session with `id`.
pub fn key_of(id: &tower_sessions::session::Id) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(id.to_string().as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// The signed-in user, or `None`. The session of a suspended user, or one
/// made before a suspension (an older epoch), is ended.
pub async fn current_user(ctx: &Ctx, session: &Session) -> Result<Option<User>, AppError> {
    let Some(user_id) = session.get::<UserId>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    let epoch = session.get::<i64>(EPOCH_KEY).await?.unwrap_or(0);
    match store::users::with_epoch(&ctx.db, user_id).await? {
        Some((user, current)) if !user.suspended && current == epoch => Ok(Some(user)),
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}

/// The session epoch a session was made under (see `current_user`).
pub async fn session_epoch(session: &Session) -> Result<i64, AppError> {
    Ok(session.get::<i64>(EPOCH_KEY).await?.unwrap_or(0))
}

/// Like [`current_user`], for calls that need someone signed in.
pub async fn require_user(ctx: &Ctx, session: &Session) -> Result<User, AppError> {
    current_user(ctx, session)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// A new session id at every sign-in, so a fixed id planted before login
/// is worthless after it.
async fn start_session(session: &Session, user: &User, epoch: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user.id).await?;
    session.insert(EPOCH_KEY, epoch).await?;
    Ok(())
}

/// Whether the user is suspended now (read from the database, not a session).
pub async fn is_suspended(ctx: &Ctx, user_id: UserId) -> Result<bool, AppError> {
    Ok(store::users::by_id(&ctx.db, user_id)
        .await?
        .is_none_or(|u| u.suspended))
}

/// Why a live connection (socket or event stream) opened by `had`, with
/// session `epoch`, must end now, if it must: its user is gone or
/// suspended, their role or restaurant changed, or a suspension since
/// moved their epoch on. Compares with the stored user, read fresh.
pub async fn lapsed(ctx: &Ctx, had: &User, epoch: i64) -> Result<Option<&'static str>, AppError> {
    let now = store::users::with_epoch(&ctx.db, had.id).await?;
    Ok(lapsed_against(had, epoch, now.as_ref()))
}

/// [`lapsed`], against a user already read (one read serves many sockets).
pub fn lapsed_against(had: &User, epoch: i64, now: Option<&(User, i64)>) -> Option<&'static str> {
    let Some((user, current)) = now else {
        return Some("signed out");
    };
    if user.suspended {
        return Some("suspended");
    }
    if *current != epoch || user.role != had.role || user.restaurant_id != had.restaurant_id {
        return Some("signed out");
    }
    None
}
