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

use sqlx::any::AnyRow;
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

/// Ids bind as the numbers they are.
macro_rules! id_args {
    ($($id:ty),*) => {
        $(
            impl From<$id> for Arg {
                fn from(id: $id) -> Self {
                    Arg::Int(id.into())
                }
            }
        )*
    };
}

id_args!(
    model::OrderId,
    model::UserId,
    model::RestaurantId,
    model::MenuItemId,
    model::DisputeId,
    model::NotificationId,
    model::MessageId,
    model::EventId
);

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

    /// A text column holding JSON, decoded.
    fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, sqlx::Error> {
        serde_json::from_str(&self.string(name)?).map_err(|e| sqlx::Error::Decode(Box::new(e)))
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

    /// Runs it alone, as its own transaction, on a connection of `pool`
    /// (PostgreSQL: see `store::pg_write`).
    pub async fn fetch_one_alone(self, pool: &sqlx::AnyPool) -> Result<Row, sqlx::Error> {
        row_of(&self.any().fetch_one(pool).await?)
    }

    /// Every row, read on a connection of `pool` (see `reads`).
    pub(in crate::store) async fn fetch_all_alone(
        self,
        pool: &sqlx::AnyPool,
    ) -> Result<Vec<Row>, sqlx::Error> {
        self.any()
            .fetch_all(pool)
            .await?
            .iter()
            .map(row_of)
            .collect()
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
                // PostgreSQL's booleans (`EXISTS (...)`), as SQLite gives them.
                "BOOLEAN" => Arg::Int(i64::from(row.try_get::<bool, _>(i)?)),
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

mod checkpoint;
mod reads;
mod sqlite;
pub use checkpoint::{spawn_checkpointer, Checkpoints};
pub use reads::Reads;
pub use sqlite::{open_sqlite_writer, SqliteTx, SqliteWriter};

#[cfg(test)]
mod row_tests {
    use super::*;

    /// PostgreSQL's booleans read as SQLite gives them, 1 and 0 (skipped
    /// without `TEST_DATABASE_URL`, which `scripts/test.sh` sets).
    #[tokio::test]
    async fn a_postgres_boolean_reads_as_an_integer() {
        let Some(url) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            eprintln!("skipped: TEST_DATABASE_URL not set");
            return;
        };
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
        let row = Query::new("SELECT EXISTS (SELECT 1) AS yes, 1 = 2 AS no, 7 AS n")
            .fetch_one_alone(&pool)
            .await
            .expect("read");
        assert_eq!(row.i64("yes").expect("yes"), 1);
        assert_eq!(row.i64("no").expect("no"), 0);
        assert_eq!(row.i64("n").expect("n"), 7);
    }
}
