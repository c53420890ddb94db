//! SQL, one file per aggregate, written once for SQLite and PostgreSQL
//! through sqlx's `Any` driver (`$n` placeholders, integer flags, integer
//! UTC milliseconds). Nothing outside this module writes SQL.

pub mod chat;
pub mod db;
pub mod disputes;
pub mod events;
pub mod notifications;
pub mod offers;
pub mod orders;
pub mod restaurants;
pub mod users;

pub use db::{Backend, Db};

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
