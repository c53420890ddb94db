//! The event log. A lifecycle change and its event rows are written in one
//! transaction, with ids that only grow, and readers (replay, SSE, the log
//! tail) see them in id order with no gap appearing behind them later:
//! - SQLite has one writer (see `Db::begin`), so commits follow ids.
//! - PostgreSQL takes no lock at all. An event's id is its transaction's
//!   id (`xid8`) times 1,024 plus its rank in that transaction, and readers
//!   only read below the visibility horizon: the oldest transaction still
//!   running (`pg_snapshot_xmin`) times 1,024. Every transaction below it
//!   has ended, and every later one has a larger xid, so nothing can commit
//!   below what a reader has read. The cost: events wait for the oldest
//!   writer running on the server (changes keep their transactions short).

use super::write::{Columns, Query, Row, WriteConn};
use super::{Backend, Db};
use model::events::DeliveryOffer;
use model::events::OfferWithdrawn;
use model::events::Payload;
use model::rooms::Room;
use model::EventId;

/// Events one transaction may log: its ids are `xid * 1024 + 1..=1023`.
pub const MAX_PER_TRANSACTION: usize = 1023;

/// `AND <id> < horizon` on PostgreSQL (see the module's doc); SQLite needs none.
fn below_horizon(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => String::new(),
        Backend::Postgres => {
            format!(" AND {column} < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 10)")
        }
    }
}

/// An event as stored: its payload is the JSON object of the catalog type.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub id: EventId,
    pub kind: String,
    pub payload: String,
    pub at: i64,
    /// Read by the log tail only (`after`).
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

/// An event's rooms as the JSON array the log keeps. Never a room a
/// socket joins on request: a replay reads only the rooms a user is in by
/// right, so an event logged to any other would be lost to a socket that
/// was away.
pub(super) fn rooms_json(rooms: &[String]) -> Result<String, sqlx::Error> {
    debug_assert!(
        !rooms.iter().any(|r| Room::joined_on_request(r)),
        "an event logged to a room no replay reads: {rooms:?}"
    );
    serde_json::to_string(rooms).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Events per INSERT: keeps the bound parameters far below both backends' limits.
const CHUNK: usize = 200;

/// Appends `events` inside `tx`, in order, as the last statement before
/// the caller commits; returns their ids (ascending, in the same order).
pub async fn append_all(
    tx: &mut WriteConn,
    backend: Backend,
    events: &[NewEvent],
) -> Result<Vec<EventId>, sqlx::Error> {
    if backend == Backend::Postgres && events.len() > MAX_PER_TRANSACTION {
        return Err(sqlx::Error::Protocol(format!(
            "{} events in one transaction; at most {MAX_PER_TRANSACTION}",
            events.len()
        )));
    }
    let mut ids = Vec::with_capacity(events.len());
    for (c, chunk) in events.chunks(CHUNK).enumerate() {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 4;
                match backend {
                    Backend::Sqlite => format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4),
                    Backend::Postgres => format!(
                        "(${}, ${}, ${}::bigint, ${}, {})",
                        p + 1,
                        p + 2,
                        p + 3,
                        p + 4,
                        c * CHUNK + i + 1
                    ),
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
                "WITH ev AS (INSERT INTO events (id, kind, payload, at, rooms) \
                   SELECT (pg_current_xact_id()::text::bigint << 10) + v.n, v.kind, v.payload, v.at, v.rooms \
                   FROM (VALUES {}) AS v(kind, payload, at, rooms, n) RETURNING id, rooms), \
                 fan AS (INSERT INTO event_rooms (event_id, room) \
                   SELECT ev.id, r.room FROM ev, json_array_elements_text(ev.rooms::json) AS r(room)) \
                 SELECT id FROM ev",
                values.join(", ")
            ),
        };
        let mut query = Query::new(sql);
        for event in chunk {
            let rooms = rooms_json(&event.rooms)?;
            query = query
                .bind(event.kind.as_str())
                .bind(event.payload.as_str())
                .bind(event.at)
                .bind(rooms);
        }
        let mut chunk_ids = query
            .fetch_all(tx)
            .await?
            .iter()
            .map(|row| row.i64("id").map(EventId))
            .collect::<Result<Vec<_>, _>>()?;
        // Ids follow the order of VALUES (SQLite: one writer; PostgreSQL:
        // the rank is in the id); RETURNING's own order is not promised.
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// Every event after `after`, oldest first, with its rooms: what a node's
/// log tail emits.
pub async fn after(db: &Db, after: EventId, limit: i64) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let query = Query::new(format!(
        "SELECT id, kind, payload, at, rooms FROM events WHERE id > $1{} ORDER BY id LIMIT $2",
        below_horizon(db.backend, "id")
    ))
    .bind(after)
    .bind(limit);
    db.reads
        .all(query)
        .await?
        .iter()
        .map(|row| stored(row, row.json("rooms")?))
        .collect()
}

fn stored(row: &Row, rooms: Vec<String>) -> Result<StoredEvent, sqlx::Error> {
    Ok(StoredEvent {
        id: EventId(row.i64("id")?),
        kind: row.string("kind")?,
        payload: row.string("payload")?,
        at: row.i64("at")?,
        rooms,
    })
}

/// Events after `after` addressed to any of `rooms`, oldest first.
pub async fn since(
    db: &Db,
    after: EventId,
    rooms: &[String],
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    if rooms.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..rooms.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT e.id, e.kind, e.payload, e.at FROM events e WHERE e.id > $1{} AND e.id IN \
         (SELECT event_id FROM event_rooms WHERE room IN ({}) AND event_id > $1) \
         ORDER BY e.id LIMIT $2",
        below_horizon(db.backend, "e.id"),
        placeholders.join(", ")
    );
    let mut query = Query::new(sql).bind(after).bind(limit);
    for room in rooms {
        query = query.bind(room);
    }
    db.reads
        .all(query)
        .await?
        .iter()
        .map(|row| stored(row, Vec::new()))
        .collect()
}

/// The newest event id a reader may see, 0 when the log is empty. Pruned
/// ids count too: a reader that read up to here has seen every event up
/// to here that still exists, and the pruning of the newest events must not
/// make the log look shorter than what was already sent.
pub async fn latest_id(db: &Db) -> Result<EventId, sqlx::Error> {
    Ok(ends(db).await?.newest)
}

/// Both ends of the log as one statement sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ends {
    /// The newest id a reader may see ([`latest_id`]).
    pub newest: EventId,
    /// How far retention has pruned ([`pruned_through`]).
    pub pruned: EventId,
}

/// [`latest_id`] and [`pruned_through`] in one statement: a catch-up read
/// learns from the same snapshot whether the events it needs still exist.
pub async fn ends(db: &Db) -> Result<Ends, sqlx::Error> {
    let greatest = match db.backend {
        Backend::Sqlite => "MAX",
        Backend::Postgres => "GREATEST",
    };
    let pruned = "COALESCE((SELECT pruned_through FROM log_retention WHERE id = 1), 0)";
    let sql = format!(
        "SELECT {greatest}(COALESCE((SELECT MAX(id) FROM events WHERE 1 = 1{}), 0), {pruned}) \
           AS newest, {pruned} AS pruned",
        below_horizon(db.backend, "id")
    );
    let rows = db.reads.all(Query::new(sql)).await?;
    let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    Ok(Ends {
        newest: EventId(row.i64("newest")?),
        pruned: EventId(row.i64("pruned")?),
    })
}

pub async fn count_since(db: &Db, at: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE at >= $1")
        .bind(at)
        .fetch_one(&db.pool)
        .await
}

/// Kinds of event kept only until their offer is settled: an offer names
/// the customer's drop-off, which a driver who did not take it has no
/// business reading later.
pub const SHORT_LIVED: [&str; 2] = [DeliveryOffer::NAME, OfferWithdrawn::NAME];

/// Deletes up to `batch` events readers may see: the short-lived ones
/// logged before `short_before`, and any logged before `all_before` (ms),
/// oldest first, and moves `log_retention.pruned_through` up to the newest
/// deleted.
/// Returns how many went.
pub async fn prune(
    db: &Db,
    short_before: i64,
    all_before: i64,
    batch: i64,
) -> Result<usize, sqlx::Error> {
    // Only below the horizon, as every reader reads: an event above it may
    // have older ones still to commit under it, and `pruned_through` past
    // them would tell readers they had seen everything up to there.
    let horizon = below_horizon(db.backend, "id");
    let mut tx = db.begin().await?;
    let gone = Query::new(format!(
        "DELETE FROM events WHERE id IN (\
           SELECT id FROM events WHERE kind IN ('{}', '{}') AND at < $1{horizon} \
           UNION SELECT id FROM events WHERE at < $2{horizon} ORDER BY id LIMIT $3) \
         RETURNING id, rooms",
        SHORT_LIVED[0], SHORT_LIVED[1]
    ))
    .bind(short_before)
    .bind(all_before)
    .bind(batch)
    .fetch_all(&mut tx)
    .await?;
    let ids: Vec<EventId> = gone
        .iter()
        .map(|row| row.i64("id").map(EventId))
        .collect::<Result<_, _>>()?;
    // SQLite's foreign key cascades each event to its rooms (found by
    // `event_rooms_by_event`). PostgreSQL has none (migration 0015): the
    // rooms go here, by their key, named by the rooms each event's row
    // carries (migration 0017).
    if db.backend == Backend::Postgres && !gone.is_empty() {
        Query::new(
            "DELETE FROM event_rooms USING json_to_recordset($1::json) AS x(room text, event_id bigint) \
             WHERE event_rooms.room = x.room AND event_rooms.event_id = x.event_id"
                .to_owned(),
        )
        .bind(room_keys(&gone)?)
        .execute(&mut tx)
        .await?;
    }
    if let Some(newest) = ids.iter().max() {
        let greatest = match db.backend {
            Backend::Sqlite => "MAX",
            Backend::Postgres => "GREATEST",
        };
        Query::new(format!(
            "UPDATE log_retention SET pruned_through = {greatest}(pruned_through, $1) WHERE id = 1"
        ))
        .bind(*newest)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// `[{"room":…,"event_id":…}, …]`: the room rows of pruned events.
fn room_keys(gone: &[Row]) -> Result<String, sqlx::Error> {
    let mut keys = Vec::new();
    for row in gone {
        let id = row.i64("id")?;
        let rooms: Vec<String> = row.json("rooms")?;
        keys.extend(
            rooms
                .into_iter()
                .map(|room| serde_json::json!({ "room": room, "event_id": id })),
        );
    }
    Ok(serde_json::Value::Array(keys).to_string())
}

/// PostgreSQL: the newest id the log holds or has pruned, if this cluster
/// would give new events lower ids, and the lowest it would give. Ids
/// come from transaction ids (`xid << 10`); a database restored into
/// another cluster (dump and restore) counts those again from low, so its
/// new events would sort below ones clients have seen, and below the
/// readers' horizon, and no reader would ever send them.
pub async fn ids_behind_log(db: &Db) -> Result<Option<(EventId, EventId)>, sqlx::Error> {
    if db.backend != Backend::Postgres {
        return Ok(None);
    }
    let (stored, next): (i64, i64) = sqlx::query_as(
        "SELECT GREATEST(COALESCE((SELECT MAX(id) FROM events), 0), \
                COALESCE((SELECT pruned_through FROM log_retention WHERE id = 1), 0)), \
                pg_snapshot_xmax(pg_current_snapshot())::text::bigint << 10",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok((stored >= next).then_some((EventId(stored), EventId(next))))
}

/// The newest event id ever pruned (0 if none): replay from a cursor
/// below it may miss events.
pub async fn pruned_through(db: &Db) -> Result<EventId, sqlx::Error> {
    sqlx::query_scalar("SELECT pruned_through FROM log_retention WHERE id = 1")
        .fetch_optional(&db.pool)
        .await
        .map(|v| v.unwrap_or(EventId(0)))
}

#[cfg(test)]
mod prune_tests {
    use super::super::db::sqlite_for_test;

    /// Pruning an event deletes its rooms by cascade; without an index on
    /// `event_rooms.event_id` each pruned event scanned every room row
    /// (7.8 s for 200 events beside 400,000 rows, holding the writer).
    #[tokio::test]
    async fn the_cascade_to_an_events_rooms_uses_an_index() {
        let (db, dir) = sqlite_for_test("prune").await;
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as("EXPLAIN QUERY PLAN DELETE FROM event_rooms WHERE event_id = 1")
                .fetch_all(&db.pool)
                .await
                .expect("plan");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            plan.iter()
                .any(|(.., detail)| detail.contains("event_rooms_by_event")),
            "{plan:?}"
        );
    }
}
