//! SQL, one file per aggregate, written once for SQLite and PostgreSQL
//! through sqlx's `Any` driver (`$n` placeholders, integer flags, integer
//! UTC milliseconds). Nothing outside this module writes SQL.

pub mod batched;
pub mod chat;
pub mod coalesce;
mod conditions;
pub mod db;
pub mod disputes;
pub mod events;
pub mod notifications;
pub mod offers;
pub mod order_detail;
mod order_lists;
pub mod orders;
pub mod pg_checkouts;
pub mod pg_steps;
pub mod pg_write;
pub mod restaurants;
pub mod users;
pub mod write;

pub use db::{Backend, Db};

use model::OrderStatus;

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `'a', 'b'`: the statuses for which `keep` holds, for `status IN (...)`.
/// SQL never spells out a set of statuses: the model decides (the one
/// exception is the partial index of migration 0009, which a test holds to
/// [`OrderStatus::holds_driver`]).
pub(crate) fn statuses(keep: fn(OrderStatus) -> bool) -> String {
    OrderStatus::ALL
        .into_iter()
        .filter(|s| keep(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
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

/// A condition on `users.id` picking the users `which` picks; on
/// PostgreSQL it locks them first, in id order. Every write that raises
/// several users' unread counts goes through it (after locking any orders,
/// in id order too), so two writes never wait on each other in a cycle:
/// a deadlock PostgreSQL breaks only after `deadlock_timeout`, a second.
/// SQLite has one writer and no row locks. The batched writes' fixed
/// statements (`store::pg_write::logged_sql`) spell the same clause inline.
pub(crate) fn users_in_id_order(backend: Backend, which: &str) -> String {
    match backend {
        Backend::Sqlite => which.to_owned(),
        Backend::Postgres => {
            format!("id IN (SELECT id FROM users WHERE {which} ORDER BY id FOR NO KEY UPDATE)")
        }
    }
}

/// A unique constraint refused the write (PostgreSQL 23505, SQLite 2067).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("23505" | "2067")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_delivery_index_covers_exactly_the_statuses_that_hold_a_driver() {
        let wanted = format!("status IN ({})", statuses(OrderStatus::holds_driver));
        for migration in [
            include_str!("../../../../migrations/sqlite/0009_one_delivery_per_driver.sql"),
            include_str!("../../../../migrations/postgres/0009_one_delivery_per_driver.sql"),
        ] {
            assert!(migration.contains(&wanted), "{migration}\nlacks {wanted}");
        }
    }

    #[test]
    fn status_lists_come_from_the_model() {
        assert_eq!(
            statuses(OrderStatus::is_final),
            "'delivered', 'rejected', 'cancelled'"
        );
    }
}
