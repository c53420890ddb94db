//! SQLite's checkpoints, off the writer's path: a thread of its own copies
//! the WAL back into the database file, and sees to it that the WAL starts
//! over from its beginning before it grows large.
//!
//! The WAL restarts only when a writer begins at a moment when every frame
//! is already in the file. Under steady load that moment never comes by
//! itself: commits land while a checkpoint runs, so it always ends a few
//! frames behind. The WAL then grew to the writer's `wal_autocheckpoint`,
//! and the writer checkpointed inside a commit: an fsync of the WAL, the
//! copy of every frame not copied yet and an fsync of the file, 17 to 93 ms
//! every few seconds at 1,600 changes a second (strace of the load test),
//! with every change queued behind it and a runtime thread blocked. So once
//! the WAL is past `restart_at` frames, the checkpointer holds the writer
//! for a second pass over just the frames committed during its first: then
//! every frame is in the file, and the next write starts the WAL over.

use std::time::Duration;

use super::sqlite::{error, SqliteWriter};

/// When the checkpointer runs, and when it makes the WAL start over.
#[derive(Clone, Copy, Debug)]
pub struct Checkpoints {
    /// Time between two checkpoints.
    pub every: Duration,
    /// WAL frames (pages of ~4 KB) past which the WAL should start over.
    pub restart_at: i64,
}

impl Checkpoints {
    /// Twice a second; the WAL starts over past ~32 MB.
    pub const DEFAULT: Checkpoints = Checkpoints {
        every: Duration::from_millis(500),
        restart_at: 8_192,
    };
}

/// Runs the checkpoints of the SQLite file at `path` beside `writer`, on a
/// thread of its own. The thread ends with the last handle on the writer.
pub fn spawn_checkpointer(
    path: &str,
    writer: &SqliteWriter,
    plan: Checkpoints,
) -> Result<(), sqlx::Error> {
    let writer = std::sync::Arc::downgrade(writer);
    let conn = rusqlite::Connection::open(path).map_err(error)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(error)?;
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || loop {
            std::thread::sleep(plan.every);
            let Some(writer) = writer.upgrade() else {
                return;
            };
            if let Err(e) = round(&conn, &writer, plan) {
                tracing::warn!(error = %e, "SQLite checkpoint failed; retrying");
            }
        })
        .map_err(sqlx::Error::Io)?;
    Ok(())
}

/// One checkpoint, and the second pass under the writer if the WAL is long.
fn round(
    conn: &rusqlite::Connection,
    writer: &SqliteWriter,
    plan: Checkpoints,
) -> rusqlite::Result<()> {
    // PASSIVE never waits for the writer or the readers: changes go on.
    let frames = passive(conn)?;
    if frames >= plan.restart_at {
        // No transaction is open while we hold the writer: this pass copies
        // only what committed since the first one.
        let _writer = writer.blocking_lock();
        passive(conn)?;
    }
    Ok(())
}

/// A PASSIVE checkpoint; the WAL's length in frames.
fn passive(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::write::sqlite::execute;
    use crate::store::write::{open_sqlite_writer, Arg, SqliteTx};

    /// Under commits that never pause, the WAL still starts over: its file
    /// (which never shrinks) stays near `restart_at` frames, though the
    /// writer never checkpoints (its autocheckpoint is off here).
    #[tokio::test]
    async fn the_wal_starts_over_under_commits_that_never_pause() {
        let dir = std::env::temp_dir().join(format!("mealstream-ckpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("t.db");
        let path = path.to_str().expect("path");
        let writer = open_sqlite_writer(path).expect("writer");
        {
            let conn = writer.lock().await;
            conn.pragma_update(None, "wal_autocheckpoint", 0)
                .expect("no autocheckpoint");
            conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
                .expect("table");
        }
        let plan = Checkpoints {
            every: Duration::from_millis(2),
            restart_at: 64,
        };
        spawn_checkpointer(path, &writer, plan).expect("checkpointer");
        // ~2 pages a commit: some 16,000 frames (66 MB) if it never
        // restarts. Bounded at a quarter of that: a busy machine may leave
        // the checkpointer's thread waiting for a few rounds.
        let text = Arg::Text("x".repeat(1_500));
        for _ in 0..8_000 {
            let mut tx = SqliteTx::begin(&writer).await.expect("begin");
            tx.with(|conn| {
                execute(
                    conn,
                    "INSERT INTO t (v) VALUES ($1)",
                    std::slice::from_ref(&text),
                )
            })
            .expect("insert");
            tx.commit().expect("commit");
        }
        let wal = std::fs::metadata(format!("{path}-wal")).expect("wal").len();
        drop(writer);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            wal < 16 * 1024 * 1024,
            "the WAL grew to {wal} bytes: it never started over"
        );
    }
}
