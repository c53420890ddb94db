//! SQLite's side of `store::write`: the one writer connection (rusqlite),
//! its transactions, its checkpointer, and statements run inline.

use std::sync::Arc;

use rusqlite::types::ValueRef;
use sqlx::error::{DatabaseError, ErrorKind};

use super::{Arg, Row};

/// SQLite's one writer connection, shared by the process.
pub type SqliteWriter = Arc<tokio::sync::Mutex<rusqlite::Connection>>;

/// Opens the writer connection of the SQLite file at `path`.
pub fn open_sqlite_writer(path: &str) -> Result<SqliteWriter, sqlx::Error> {
    let conn = rusqlite::Connection::open(path).map_err(error)?;
    // NORMAL: a commit is durable at the next checkpoint; a power cut can
    // lose the last commits, never corrupt the file (an application crash
    // loses nothing). The busy timeout covers a reader's checkpoint.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
         PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
    )
    .map_err(error)?;
    conn.set_prepared_statement_cache_capacity(256);
    // Checkpoints (copying the WAL into the file, with its fsyncs) would
    // run inside a commit of the writer and stall every change behind it:
    // a checkpointer of its own does them (see `checkpoint`). The writer
    // checkpoints only if that thread stops keeping up and the WAL passes
    // ~200 MB.
    conn.pragma_update(None, "wal_autocheckpoint", 50_000)
        .map_err(error)?;
    Ok(Arc::new(tokio::sync::Mutex::new(conn)))
}

/// A transaction on the SQLite writer: the connection is held from BEGIN
/// to COMMIT; dropped unfinished, it rolls back.
pub struct SqliteTx {
    conn: Option<tokio::sync::OwnedMutexGuard<rusqlite::Connection>>,
}

impl SqliteTx {
    /// Waits for the writer (other transactions queue here, asleep), then
    /// BEGIN IMMEDIATE: the write lock from the first statement on.
    pub async fn begin(writer: &SqliteWriter) -> Result<SqliteTx, sqlx::Error> {
        let conn = writer.clone().lock_owned().await;
        execute(&conn, "BEGIN IMMEDIATE", &[])?;
        Ok(SqliteTx { conn: Some(conn) })
    }

    pub(super) fn with<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, sqlx::Error>,
    ) -> Result<T, sqlx::Error> {
        match &self.conn {
            Some(conn) => f(conn),
            None => Err(sqlx::Error::PoolClosed),
        }
    }

    fn finish(mut self, sql: &str) -> Result<(), sqlx::Error> {
        let conn = self.conn.take().ok_or(sqlx::Error::PoolClosed)?;
        let done = execute(&conn, sql, &[]).map(|_| ());
        if done.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        done
    }

    pub(super) fn commit(self) -> Result<(), sqlx::Error> {
        self.finish("COMMIT")
    }

    pub(super) fn rollback(self) -> Result<(), sqlx::Error> {
        self.finish("ROLLBACK")
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
    }
}

pub fn error(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Database(Box::new(SqliteError(e)))
}

fn prepare<'c>(
    conn: &'c rusqlite::Connection,
    sql: &str,
    args: &[Arg],
) -> Result<rusqlite::CachedStatement<'c>, sqlx::Error> {
    let mut stmt = conn.prepare_cached(sql).map_err(error)?;
    for i in 1..=stmt.parameter_count() {
        // `$n` names the n-th argument, wherever it stands.
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        let arg = args.get(n - 1).unwrap_or(&Arg::Null);
        let bound = match arg {
            Arg::Null => stmt.raw_bind_parameter(i, rusqlite::types::Null),
            Arg::Int(v) => stmt.raw_bind_parameter(i, v),
            Arg::Real(v) => stmt.raw_bind_parameter(i, v),
            Arg::Text(v) => stmt.raw_bind_parameter(i, v.as_str()),
        };
        bound.map_err(error)?;
    }
    Ok(stmt)
}

pub fn execute(conn: &rusqlite::Connection, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
    let mut stmt = prepare(conn, sql, args)?;
    if stmt.readonly() || stmt.column_count() > 0 {
        // A RETURNING clause: step through its rows.
        let mut rows = stmt.raw_query();
        while rows.next().map_err(error)?.is_some() {}
        return Ok(conn.changes());
    }
    Ok(stmt.raw_execute().map_err(error)? as u64)
}

pub fn query(
    conn: &rusqlite::Connection,
    sql: &str,
    args: &[Arg],
) -> Result<Vec<Row>, sqlx::Error> {
    let mut stmt = prepare(conn, sql, args)?;
    let names: Vec<String> = stmt
        .column_names()
        .iter()
        .map(|n| (*n).to_owned())
        .collect();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(error)? {
        let mut columns = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i).map_err(error)? {
                ValueRef::Null => Arg::Null,
                ValueRef::Integer(v) => Arg::Int(v),
                ValueRef::Real(v) => Arg::Real(v),
                ValueRef::Text(t) => Arg::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Arg::Text(String::from_utf8_lossy(b).into_owned()),
            };
            columns.push((name.clone(), value));
        }
        out.push(Row { columns });
    }
    Ok(out)
}

/// A SQLite error from the writer, seen as sqlx's database error so callers
/// match unique violations the same way on both backends.
#[derive(Debug)]
struct SqliteError(rusqlite::Error);

impl std::fmt::Display for SqliteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SqliteError {}

impl DatabaseError for SqliteError {
    fn message(&self) -> &str {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => message,
            _ => "sqlite error",
        }
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        let rusqlite::Error::SqliteFailure(e, _) = &self.0 else {
            return ErrorKind::Other;
        };
        match e.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => ErrorKind::UniqueViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
