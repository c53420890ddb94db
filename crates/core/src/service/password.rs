//! argon2id hashing, always on the blocking pool: a hash costs tens of
//! milliseconds of CPU and must not stall the async workers.

use std::sync::OnceLock;

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use model::error::AppError;
use model::Password;

/// Hashes run at most one per core at a time: each takes ~19 MiB and a
/// core for tens of milliseconds, so a burst of sign-ins queues here
/// instead of spawning a blocking thread (and its memory) per request.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

pub async fn hash(password: &Password) -> Result<String, AppError> {
    let password = password.expose().to_owned();
    let _slot = hashing_slots().acquire().await.context("hashing closed")?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("password hashing task failed")?
}

pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
}

/// Verifies `password` against `stored`, or against a dummy hash when there
/// is no such user, so an unknown email costs the same time as a wrong
/// password (no timing oracle).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let _slot = hashing_slots().acquire().await.context("hashing closed")?;
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored hash unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .context("password verification task failed")?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| hash_blocking("a password nobody has, for timing only").unwrap_or_default())
}
