//! The event log. A lifecycle change and its event row are written in one
//! transaction; ids only grow. On PostgreSQL, writers take a transaction
//! lock before logging so ids become visible in id order (a reader that saw
//! id 11 never later finds a 10 committed behind it).

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

/// Appends an event inside `tx`; the caller commits.
pub async fn append(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    kind: &str,
    rooms: &[String],
    payload: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    if backend == Backend::Postgres {
        // Held until commit: event ids commit in the order they are taken.
        sqlx::query("SELECT pg_advisory_xact_lock(727274)")
            .execute(&mut **tx)
            .await?;
    }
    let id: i64 =
        sqlx::query("INSERT INTO events (kind, payload, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(kind)
            .bind(payload)
            .bind(at)
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
    for room in rooms {
        sqlx::query("INSERT INTO event_rooms (event_id, room) VALUES ($1, $2)")
            .bind(id)
            .bind(room)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
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
