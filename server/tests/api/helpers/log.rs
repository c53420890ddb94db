//! Writing to the event log behind the app's back, as only a test does:
//! many events at once, or a transaction that holds the horizon.

use sqlx::{Connection as _, Executor as _, Row as _};

use super::TestApp;

/// Logs `n` `system:announcement`s to admins with `message`, in one
/// transaction as the app would (on SQLite the trigger fans out their
/// rooms); returns the newest event id. The log tail reads them within
/// its poll.
pub async fn log_to_admins(app: &TestApp, n: i64, message: &str) -> i64 {
    let mut db = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .expect("the app's database");
    let payload = serde_json::json!({ "message": message }).to_string();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO events (kind, payload, at, rooms) \
         SELECT 'system:announcement', $2, 0, '[\"role:admin\"]' FROM n",
    )
    .bind(n)
    .bind(payload)
    .execute(&mut db)
    .await
    .expect("log");
    sqlx::query_scalar("SELECT MAX(id) FROM events")
        .fetch_one(&mut db)
        .await
        .expect("newest")
}

/// A PostgreSQL transaction left open, with its transaction id taken:
/// every event committed after it waits below the horizon until it ends.
pub async fn older_transaction(database_url: &str) -> (sqlx::PgConnection, i64) {
    let mut older = sqlx::PgConnection::connect(database_url)
        .await
        .expect("connect");
    older.execute("BEGIN").await.expect("begin");
    let xid: i64 = older
        .fetch_one("SELECT pg_current_xact_id()::text::bigint AS xid")
        .await
        .expect("xid")
        .get("xid");
    (older, xid)
}
