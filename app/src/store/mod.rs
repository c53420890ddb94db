//! SQL, one file per aggregate, written once for SQLite and PostgreSQL
//! through sqlx's `Any` driver (`$n` placeholders, integer flags, integer
//! UTC milliseconds). Nothing outside this module writes SQL.

pub mod chat;
pub mod db;
pub mod disputes;
pub mod events;
pub mod notifications;
pub mod offers;
pub mod order_detail;
pub mod orders;
pub mod restaurants;
pub mod users;
pub mod write;

pub use db::{Backend, Db};

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A JSON array (as text) of `value` over the rows of `inner`, in its order.
pub(crate) fn json_list(backend: Backend, value: &str, inner: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(SELECT json_group_array({value}) FROM ({inner}) x)"),
        Backend::Postgres => {
            format!("(SELECT COALESCE(json_agg({value}), '[]'::json)::text FROM ({inner}) x)")
        }
    }
}

/// `json_object` on SQLite, `json_build_object` on PostgreSQL.
pub(crate) fn json_object(backend: Backend, args: &str) -> String {
    match backend {
        Backend::Sqlite => format!("json_object({args})"),
        Backend::Postgres => format!("json_build_object({args})"),
    }
}

/// The texts `value` over the rows of `inner`, in its order, joined by ", ".
pub(crate) fn text_list(backend: Backend, value: &str, inner: &str) -> String {
    let agg = match backend {
        Backend::Sqlite => "group_concat",
        Backend::Postgres => "string_agg",
    };
    format!("(SELECT COALESCE({agg}({value}, ', '), '') FROM ({inner}) x)")
}

/// A unique constraint refused the write (PostgreSQL 23505, SQLite 2067).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("23505" | "2067")))
}
