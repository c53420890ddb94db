//! The event log. A lifecycle change and its event rows are written in one
//! transaction; ids only grow, and become visible in id order:
//! - SQLite has one writer (see `Db::begin`), so commits follow ids;
//! - PostgreSQL writers flush their events in one statement, the last
//!   before COMMIT, that first takes a transaction lock. The lock covers
//!   that insert and the commit only (not the change's own statements), so
//!   ids still commit in order: a reader that saw id 11 never later finds a
//!   10 committed behind it.

use sqlx::{Any, Row, Transaction};

use super::{Backend, Db};

/// An event as stored: its payload is the JSON object of the catalog type.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub at: i64,
    pub rooms: Vec<String>,
}

/// An event to append: its payload is already JSON.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub kind: String,
    pub payload: String,
    pub at: i64,
    pub rooms: Vec<String>,
}

/// Events per INSERT: keeps the bound parameters far below both backends' limits.
const CHUNK: usize = 200;
/// The transaction lock that orders PostgreSQL's event ids.
const ORDER_LOCK: i64 = 727274;

/// Appends `events` inside `tx`, in order, as the last statement before
/// the caller commits; returns their ids (ascending, in the same order).
pub async fn append_all(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    events: &[NewEvent],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(events.len());
    for chunk in events.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 4;
                match backend {
                    Backend::Sqlite => format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4),
                    Backend::Postgres => {
                        format!("(${}, ${}, ${}::bigint, ${})", p + 1, p + 2, p + 3, p + 4)
                    }
                }
            })
            .collect();
        let sql = match backend {
            // The trigger `events_fan_out_rooms` fills event_rooms.
            Backend::Sqlite => format!(
                "INSERT INTO events (kind, payload, at, rooms) VALUES {} RETURNING id",
                values.join(", ")
            ),
            Backend::Postgres => format!(
                "WITH turn AS MATERIALIZED (SELECT pg_advisory_xact_lock({ORDER_LOCK})), \
                 ev AS (INSERT INTO events (kind, payload, at, rooms) \
                   SELECT v.kind, v.payload, v.at, v.rooms FROM turn, (VALUES {}) AS v(kind, payload, at, rooms) \
                   RETURNING id, rooms), \
                 fan AS (INSERT INTO event_rooms (event_id, room) \
                   SELECT ev.id, r.room FROM ev, json_array_elements_text(ev.rooms::json) AS r(room)) \
                 SELECT id FROM ev",
                values.join(", ")
            ),
        };
        let mut query = sqlx::query(&sql);
        for event in chunk {
            let rooms = serde_json::to_string(&event.rooms)
                .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            query = query
                .bind(event.kind.as_str())
                .bind(event.payload.as_str())
                .bind(event.at)
                .bind(rooms);
        }
        let mut chunk_ids = query
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get::<i64, _>("id"))
            .collect::<Result<Vec<_>, _>>()?;
        // Rows take ids in the order of VALUES (one writer at a time holds
        // the turn); RETURNING's own order is not promised.
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// Every event after `after`, oldest first, with its rooms: what a node's
/// log tail emits.
pub async fn after(db: &Db, after: i64, limit: i64) -> Result<Vec<StoredEvent>, sqlx::Error> {
    sqlx::query(
        "SELECT id, kind, payload, at, rooms FROM events WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| {
        let rooms: String = row.try_get("rooms")?;
        Ok(StoredEvent {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            payload: row.try_get("payload")?,
            at: row.try_get("at")?,
            rooms: serde_json::from_str(&rooms).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        })
    })
    .collect()
}

/// Events after `after` addressed to any of `rooms`, oldest first.
pub async fn since(
    db: &Db,
    after: i64,
    rooms: &[String],
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    if rooms.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..rooms.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT e.id, e.kind, e.payload, e.at FROM events e WHERE e.id > $1 AND e.id IN \
         (SELECT event_id FROM event_rooms WHERE room IN ({}) AND event_id > $1) \
         ORDER BY e.id LIMIT $2",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(after).bind(limit);
    for room in rooms {
        query = query.bind(room);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(StoredEvent {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                at: row.try_get("at")?,
                rooms: Vec::new(),
            })
        })
        .collect()
}

/// The newest event id, 0 when the log is empty.
pub async fn latest_id(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COALESCE(MAX(id), 0) AS id FROM events")
        .fetch_one(&db.pool)
        .await?
        .try_get("id")
}

pub async fn count_since(db: &Db, at: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM events WHERE at >= $1")
        .bind(at)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}
