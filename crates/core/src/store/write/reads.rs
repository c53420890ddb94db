//! The reads every change or reconnect makes again and again (the
//! session's user, the log tail, replay), written once for both backends.
//! On SQLite they run inline on the calling task against a few read-only
//! connections of their own (rusqlite, cached statements), as write
//! transactions do: through sqlx each was a hand-off to a connection's
//! worker thread and back (those threads alone were 11 % of the server's
//! samples at 1,200 changes a second). WAL lets them read beside the
//! writer without waiting for it. On PostgreSQL they go to the pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use sqlx::AnyPool;

use super::{sqlite, Query, Row};

/// Where hot reads go.
#[derive(Clone)]
pub struct Reads {
    pool: AnyPool,
    sqlite: Option<Arc<SqliteReaders>>,
}

impl Reads {
    /// Reads through `pool` (PostgreSQL).
    pub fn pooled(pool: AnyPool) -> Reads {
        Reads { pool, sqlite: None }
    }

    /// Reads inline on `readers` connections to the SQLite file at `path`.
    pub fn sqlite(pool: AnyPool, path: &str, readers: usize) -> Result<Reads, sqlx::Error> {
        let conns = (0..readers.max(1))
            .map(|_| open_reader(path).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(Reads {
            pool,
            sqlite: Some(Arc::new(SqliteReaders {
                conns,
                next: AtomicUsize::new(0),
            })),
        })
    }

    /// The database these reads go to.
    pub fn backend(&self) -> super::super::Backend {
        match self.sqlite {
            Some(_) => super::super::Backend::Sqlite,
            None => super::super::Backend::Postgres,
        }
    }

    /// Every row of `query`.
    pub async fn all(&self, query: Query) -> Result<Vec<Row>, sqlx::Error> {
        match &self.sqlite {
            Some(readers) => readers.query(&query),
            None => query.fetch_all_alone(&self.pool).await,
        }
    }
}

struct SqliteReaders {
    conns: Vec<Mutex<rusqlite::Connection>>,
    next: AtomicUsize,
}

impl SqliteReaders {
    /// Runs `query` on the first free connection; when all are busy (a
    /// statement takes microseconds and never awaits), waits for one.
    fn query(&self, query: &Query) -> Result<Vec<Row>, sqlx::Error> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let n = self.conns.len();
        for i in 0..n {
            match self.conns[(start + i) % n].try_lock() {
                Ok(conn) => return sqlite::query(&conn, &query.sql, &query.args),
                Err(TryLockError::Poisoned(poisoned)) => {
                    return sqlite::query(&poisoned.into_inner(), &query.sql, &query.args)
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let conn = self.conns[start % n]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sqlite::query(&conn, &query.sql, &query.args)
    }
}

/// A connection that can only read. In WAL mode a read never waits for
/// the writer or a (passive) checkpoint; what can make it wait (recovery
/// of the WAL after a crash) is rare, and a wait here holds a runtime
/// worker, so it gives up after a quarter of a second with an error.
fn open_reader(path: &str) -> Result<rusqlite::Connection, sqlx::Error> {
    let conn = rusqlite::Connection::open(path).map_err(sqlite::error)?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 250;")
        .map_err(sqlite::error)?;
    // A user read's text differs with its batch's size (up to
    // `coalesce::MAX_BATCH`): room for each, and for the others.
    conn.set_prepared_statement_cache_capacity(crate::store::coalesce::MAX_BATCH + 64);
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::db::sqlite_for_test;
    use crate::store::write::Columns;

    /// A reader sees each commit of the writer as soon as it is made (it
    /// holds no snapshot between reads), and cannot write.
    #[tokio::test]
    async fn readers_see_every_commit_at_once_and_never_write() {
        let (db, dir) = sqlite_for_test("reads").await;
        let count = || Query::new("SELECT COUNT(*) AS n FROM events");
        let n = |rows: Vec<Row>| rows[0].i64("n").expect("n");
        assert_eq!(n(db.reads.all(count()).await.expect("read")), 0);
        for expected in 1..=3 {
            let mut tx = db.begin().await.expect("begin");
            Query::new("INSERT INTO events (kind, payload, at, rooms) VALUES ('k', '{}', 0, '[]')")
                .execute(&mut tx)
                .await
                .expect("insert");
            tx.commit().await.expect("commit");
            assert_eq!(n(db.reads.all(count()).await.expect("read")), expected);
        }
        let refused = db.reads.all(Query::new("DELETE FROM events")).await;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(refused.is_err(), "a reader wrote");
    }
}
