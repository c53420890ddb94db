//! Connecting to the database and migrating it. The URL picks the backend:
//! `sqlite://...` (embedded default) or `postgres://...` (scale).

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use super::batched::Batched;
use super::coalesce::Coalesced;
use super::order_detail::Loaded;
use super::pg_checkouts::CheckoutRows;
use super::pg_steps::StepRows;
use super::write::{self, Reads, SqliteWriter, WriteConn};
use model::{OrderId, User, UserId};
use std::sync::Arc;

/// SQLite connections for the hot reads (`store::write::Reads`): one per
/// core of this machine is enough, since a read never awaits.
const SQLITE_READERS: usize = 4;

#[derive(Clone)]
pub struct Db {
    /// Reads (and, on PostgreSQL, writes too).
    pub pool: AnyPool,
    pub backend: Backend,
    /// Writes outside a write transaction (admin edits, sign-ups): SQLite's
    /// pool of one, so they queue instead of meeting in SQLite's busy
    /// handler; on PostgreSQL, `pool` again.
    writer: AnyPool,
    /// SQLite's writer connection for write transactions (see `store::write`).
    sqlite_writer: Option<SqliteWriter>,
    /// The hot reads: inline on SQLite, the pool on PostgreSQL.
    pub(super) reads: Reads,
    /// Users by id (with their session epoch), read together when many
    /// ask at once: every request, handshake and privileged socket event.
    pub(super) users: Arc<Coalesced<UserId, (User, i64)>>,
    /// Orders in full, read together when many ask at once.
    pub(super) orders: Arc<Coalesced<OrderId, Loaded>>,
    /// Status changes on PostgreSQL, written many to a statement.
    pub(super) steps: Arc<Batched<StepRows>>,
    /// Checkouts on PostgreSQL, written many to a statement.
    pub(super) checkouts: Arc<Batched<CheckoutRows>>,
    /// Ids for checkouts on PostgreSQL, taken together when many ask at
    /// once (by ticket, see `pg_write::reserve_order_id`).
    pub(super) order_ids: Arc<Coalesced<u64, OrderId>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)
            .with_context(|| format!("unsupported database URL {:?}", redact_url(url)))?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).context("invalid database URL")?;
        let pool = pool_options(
            backend,
            match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 20,
            },
        )
        .connect_with(options.clone())
        .await
        .with_context(|| format!("cannot connect to the {backend:?} database"))?;
        let (writer, sqlite_writer, reads) = match backend {
            Backend::Sqlite => (
                pool_options(backend, 1)
                    .connect_with(options)
                    .await
                    .context("cannot open the SQLite writer connection")?,
                Some({
                    let writer = write::open_sqlite_writer(sqlite_path(&url))
                        .context("cannot open the SQLite writer connection")?;
                    write::spawn_checkpointer(
                        sqlite_path(&url),
                        &writer,
                        write::Checkpoints::DEFAULT,
                    )
                    .context("cannot start the SQLite checkpointer")?;
                    writer
                }),
                // Opened after the writer, which puts the file in WAL mode.
                Reads::sqlite(pool.clone(), sqlite_path(&url), SQLITE_READERS)
                    .context("cannot open the SQLite reader connections")?,
            ),
            Backend::Postgres => (pool.clone(), None, Reads::pooled(pool.clone())),
        };
        Ok(Db {
            users: Coalesced::new(reads.clone(), super::users::with_epoch_many),
            orders: Coalesced::new(reads.clone(), super::order_detail::load_many),
            steps: Batched::new(pool.clone()),
            checkouts: Batched::new(pool.clone()),
            order_ids: Coalesced::new(reads.clone(), super::pg_write::order_ids_many),
            reads,
            pool,
            backend,
            writer,
            sqlite_writer,
        })
    }

    /// Where a single write statement goes outside a transaction. Never use
    /// it while holding a [`WriteConn`] on SQLite: the file has one writer.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Begins a write transaction; on SQLite, after the one before it ends.
    /// Never call it while holding another `WriteConn`.
    pub async fn begin(&self) -> Result<WriteConn, sqlx::Error> {
        match &self.sqlite_writer {
            Some(writer) => Ok(WriteConn::Sqlite(write::SqliteTx::begin(writer).await?)),
            None => Ok(WriteConn::Postgres(self.pool.begin().await?)),
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("../../migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("../../migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        if let Some((stored, next)) = super::events::ids_behind_log(self).await? {
            let xid = (stored.0 >> 10) + 1;
            anyhow::bail!(
                "the event log's newest id {stored} is not below the ids this PostgreSQL \
                 cluster gives new events (from {next}): was the database restored into \
                 another cluster? Its new events would sort below ones clients have seen, and \
                 no reader would send them. Stop PostgreSQL, move its next transaction id past \
                 {xid} (pg_resetwal --epoch {} --next-transaction-id {}), and start again",
                xid >> 32,
                xid & 0xffff_ffff
            );
        }
        Ok(())
    }

    /// Batch queries made for user reads so far (see `store::coalesce`).
    pub fn user_batches(&self) -> u64 {
        self.users.batches()
    }

    /// Statements of status changes written so far (see `store::pg_steps`).
    pub fn step_batches(&self) -> u64 {
        self.steps.batches()
    }

    /// Statements of checkouts written so far (see `store::pg_checkouts`).
    pub fn checkout_batches(&self) -> u64 {
        self.checkouts.batches()
    }

    /// Queries made for order ids so far (see `pg_write::reserve_order_id`).
    pub fn order_id_batches(&self) -> u64 {
        self.order_ids.batches()
    }

    /// Readiness: one round trip to the database.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

fn pool_options(backend: Backend, size: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(5))
        // No ping before each use: it was one more round trip to
        // PostgreSQL (and one more hand-off to SQLite's worker thread) for
        // every query. A connection the server dropped fails its query
        // once and is not returned to the pool; idle ones are recycled
        // before PostgreSQL's or a proxy's idle timeouts bite.
        .test_before_acquire(false)
        // Nor after each use (vendor/sqlx-core): sqlx pinged every
        // connection it took back, a second round trip per query, though a
        // query that ran to completion leaves its connection ready. What a
        // dropped query or transaction leaves behind is still sent and read.
        .ping_on_release(false)
        .idle_timeout(Duration::from_secs(60))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers run beside the one writer. NORMAL
                    // syncs at checkpoints, not at every commit: a power cut
                    // can lose the last commits, never corrupt the file (an
                    // application crash loses nothing). The busy timeout
                    // covers readers meeting a checkpoint.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
}

/// The file of a SQLite URL (as `prepare_sqlite_url` leaves it).
fn sqlite_path(url: &str) -> &str {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    rest.split('?').next().unwrap_or_default()
}

/// Creates the parent folder of a SQLite file and asks SQLite to create
/// the file when it is missing.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_owned());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// `redis://user:secret@host:6379/0` -> `redis://user:***@host:6379/0`: a
/// URL fit for a log line or an error message.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            let hidden = if credentials.contains(':') {
                ":***"
            } else {
                ""
            };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// A new, migrated SQLite database in a folder of its own under the
/// system's temporary folder, for tests; remove the folder when done.
#[cfg(test)]
pub(crate) async fn sqlite_for_test(name: &str) -> (Db, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("mealstream-{name}-{}", std::process::id()));
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()))
        .await
        .expect("open");
    db.migrate().await.expect("migrate");
    (db, dir)
}

#[cfg(test)]
mod redact_tests {
    use super::redact_url;

    #[test]
    fn passwords_never_reach_a_log_line() {
        assert_eq!(
            redact_url("redis://:hunter2@cache:6379"),
            "redis://:***@cache:6379"
        );
        assert_eq!(
            redact_url("postgres://app:s3cr3t@db/mealstream?sslmode=require"),
            "postgres://app:***@db/mealstream?sslmode=require"
        );
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
        assert_eq!(
            redact_url("sqlite://data/mealstream.db"),
            "sqlite://data/mealstream.db"
        );
    }
}
