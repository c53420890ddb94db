//! The statements of a write transaction, written once for both backends.
//! On PostgreSQL they go through sqlx as usual. On SQLite they run inline
//! on the calling task against the one writer connection (rusqlite, with
//! cached prepared statements): through sqlx each statement was a hand-off
//! to the connection's worker thread and back, and those thread switches
//! were most of a change's cost (perf: 60% of the server's CPU in the
//! scheduler at 800 changes a second). A SQLite statement here takes tens
//! of microseconds and never waits for a lock: the connection is ours
//! until the transaction ends.

use std::borrow::Cow;
use std::sync::Arc;

use sqlx::any::AnyRow;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::{Any, Row as _, Transaction, TypeInfo, ValueRef};

/// A bound value.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Real(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}

impl<T: Into<Arg>> From<Option<T>> for Arg {
    fn from(v: Option<T>) -> Self {
        v.map_or(Arg::Null, Into::into)
    }
}

/// Typed columns by name, from a write's row or a read's: code that turns
/// a row into a model takes either.
pub trait Columns {
    fn opt_i64(&self, name: &str) -> Result<Option<i64>, sqlx::Error>;
    fn opt_string(&self, name: &str) -> Result<Option<String>, sqlx::Error>;
    fn f64(&self, name: &str) -> Result<f64, sqlx::Error>;

    fn i64(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.opt_i64(name)?.ok_or_else(|| decode(name, &Arg::Null))
    }

    fn string(&self, name: &str) -> Result<String, sqlx::Error> {
        self.opt_string(name)?
            .ok_or_else(|| decode(name, &Arg::Null))
    }
}

impl Columns for AnyRow {
    fn opt_i64(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(name)
    }

    fn opt_string(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(name)
    }

    fn f64(&self, name: &str) -> Result<f64, sqlx::Error> {
        self.try_get(name)
    }
}

/// One row of a result, by column name.
#[derive(Debug, Default)]
pub struct Row {
    columns: Vec<(String, Arg)>,
}

impl Columns for Row {
    fn opt_i64(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        match self.value(name)? {
            Arg::Null => Ok(None),
            Arg::Int(v) => Ok(Some(*v)),
            other => Err(decode(name, other)),
        }
    }

    fn opt_string(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        match self.value(name)? {
            Arg::Null => Ok(None),
            Arg::Text(v) => Ok(Some(v.clone())),
            other => Err(decode(name, other)),
        }
    }

    fn f64(&self, name: &str) -> Result<f64, sqlx::Error> {
        match self.value(name)? {
            Arg::Real(v) => Ok(*v),
            Arg::Int(v) => Ok(*v as f64),
            other => Err(decode(name, other)),
        }
    }
}

impl Row {
    fn value(&self, name: &str) -> Result<&Arg, sqlx::Error> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| sqlx::Error::ColumnNotFound(name.to_owned()))
    }
}

fn decode(name: &str, got: &Arg) -> sqlx::Error {
    sqlx::Error::Decode(format!("column {name}: unexpected {got:?}").into())
}

/// A statement and its arguments (`$1`, `$2`, ... on both backends).
pub struct Query {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

impl Query {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Query {
        Query {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, arg: impl Into<Arg>) -> Query {
        self.args.push(arg.into());
        self
    }

    /// Runs it; the number of rows changed.
    pub async fn execute(self, conn: &mut WriteConn) -> Result<u64, sqlx::Error> {
        match conn {
            WriteConn::Sqlite(c) => c.with(|c| sqlite::execute(c, &self.sql, &self.args)),
            WriteConn::Postgres(tx) => Ok(self.any().execute(&mut **tx).await?.rows_affected()),
        }
    }

    pub async fn fetch_all(self, conn: &mut WriteConn) -> Result<Vec<Row>, sqlx::Error> {
        match conn {
            WriteConn::Sqlite(c) => c.with(|c| sqlite::query(c, &self.sql, &self.args)),
            WriteConn::Postgres(tx) => self
                .any()
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(row_of)
                .collect(),
        }
    }

    pub async fn fetch_optional(self, conn: &mut WriteConn) -> Result<Option<Row>, sqlx::Error> {
        Ok(self.fetch_all(conn).await?.into_iter().next())
    }

    pub async fn fetch_one(self, conn: &mut WriteConn) -> Result<Row, sqlx::Error> {
        self.fetch_optional(conn)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    fn any(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.sql);
        for arg in &self.args {
            q = match arg {
                Arg::Null => q.bind(None::<i64>),
                Arg::Int(v) => q.bind(*v),
                Arg::Real(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }
}

fn row_of(row: &AnyRow) -> Result<Row, sqlx::Error> {
    let mut columns = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        use sqlx::Column;
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Arg::Null
        } else {
            match raw.type_info().name() {
                "BIGINT" | "INTEGER" | "INT8" | "INT4" | "INT2" | "INT" | "SMALLINT" => {
                    Arg::Int(row.try_get::<i64, _>(i)?)
                }
                "DOUBLE" | "DOUBLE PRECISION" | "FLOAT8" | "FLOAT4" | "REAL" => {
                    Arg::Real(row.try_get::<f64, _>(i)?)
                }
                _ => Arg::Text(row.try_get::<String, _>(i)?),
            }
        };
        columns.push((column.name().to_owned(), value));
    }
    Ok(Row { columns })
}

/// The connection a write transaction holds.
pub enum WriteConn {
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Any>),
}

impl WriteConn {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteConn::Sqlite(tx) => tx.commit(),
            WriteConn::Postgres(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            WriteConn::Sqlite(tx) => tx.rollback(),
            WriteConn::Postgres(tx) => tx.rollback().await,
        }
    }
}

/// SQLite's one writer connection, shared by the process.
pub type SqliteWriter = Arc<tokio::sync::Mutex<rusqlite::Connection>>;

/// Opens the writer connection of the SQLite file at `path`.
pub fn open_sqlite_writer(path: &str) -> Result<SqliteWriter, sqlx::Error> {
    let conn = rusqlite::Connection::open(path).map_err(sqlite::error)?;
    // NORMAL: a commit is durable at the next checkpoint; a power cut can
    // lose the last commits, never corrupt the file (an application crash
    // loses nothing). The busy timeout covers a reader's checkpoint.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
         PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
    )
    .map_err(sqlite::error)?;
    conn.set_prepared_statement_cache_capacity(256);
    // Checkpoints (copying the WAL into the file, with its fsyncs) would
    // run inside a commit of the writer and stall every change behind it:
    // a checkpointer of its own does them (see `spawn_checkpointer`); the
    // writer checkpoints only if the WAL passes ~80 MB anyway.
    conn.pragma_update(None, "wal_autocheckpoint", 20_000)
        .map_err(sqlite::error)?;
    Ok(Arc::new(tokio::sync::Mutex::new(conn)))
}

/// How often the checkpointer copies the WAL back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Runs SQLite's checkpoints beside `writer`, on a thread of its own:
/// PASSIVE never waits for the writer or readers, so changes go on. The
/// thread ends with the last handle on the writer.
pub fn spawn_checkpointer(path: &str, writer: &SqliteWriter) -> Result<(), sqlx::Error> {
    let writer = Arc::downgrade(writer);
    let conn = rusqlite::Connection::open(path).map_err(sqlite::error)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sqlite::error)?;
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while writer.strong_count() > 0 {
                std::thread::sleep(CHECKPOINT_EVERY);
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "SQLite checkpoint failed; retrying");
                }
            }
        })
        .map_err(|e| sqlx::Error::Io(e))?;
    Ok(())
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
        sqlite::execute(&conn, "BEGIN IMMEDIATE", &[])?;
        Ok(SqliteTx { conn: Some(conn) })
    }

    fn with<T>(
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
        let done = sqlite::execute(&conn, sql, &[]).map(|_| ());
        if done.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        done
    }

    fn commit(self) -> Result<(), sqlx::Error> {
        self.finish("COMMIT")
    }

    fn rollback(self) -> Result<(), sqlx::Error> {
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

mod sqlite {
    use super::{Arg, Row, SqliteError};
    use rusqlite::types::ValueRef;

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

    pub fn execute(
        conn: &rusqlite::Connection,
        sql: &str,
        args: &[Arg],
    ) -> Result<u64, sqlx::Error> {
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
