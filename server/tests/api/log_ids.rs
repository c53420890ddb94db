//! Event ids on PostgreSQL come from transaction ids. A database restored
//! into another cluster counts those again from low, so its new events
//! would sort below ones clients have seen: a node refuses to start on it.

use mealstream_core::store::Db;

use crate::helpers::{configured, fresh_postgres_database, Backend};

#[tokio::test]
async fn a_log_ahead_of_the_clusters_transaction_ids_is_refused_at_start() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    let db = Db::connect(&fresh_postgres_database().await)
        .await
        .expect("database");
    db.migrate().await.expect("a new log starts");
    // What a restore into a younger cluster looks like: the log's newest
    // id a million transactions ahead of the next one.
    sqlx::query(
        "INSERT INTO events (id, kind, payload, at, rooms) SELECT \
         (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000) << 10, \
         'system:announcement', '{}', 0, '[\"role:admin\"]'",
    )
    .execute(&db.pool)
    .await
    .expect("insert");
    let refused = db.migrate().await.expect_err("refused at start");
    let message = format!("{refused:#}");
    assert!(
        message.contains("restored into another cluster") && message.contains("pg_resetwal"),
        "{message}"
    );

    // Once the cluster's ids are past it (here the event is simply gone),
    // the node starts again.
    sqlx::query("DELETE FROM events")
        .execute(&db.pool)
        .await
        .unwrap();
    db.migrate().await.expect("starts again");
}
