//! Chat messages and read marks.

use super::write::{Columns, Query, WriteConn};

use super::Db;
use model::chat::{ChatMessage, ChatRead};
use model::time::rfc3339;
use model::{MessageId, OrderId, Party, Role, UserId};

const MESSAGE_COLUMNS: &str =
    "m.id, m.order_id, m.sender_id, u.name AS sender_name, u.role AS sender_role, \
     m.body, m.client_id, m.created_at FROM chat_messages m JOIN users u ON u.id = m.sender_id";

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: MessageId,
    order_id: OrderId,
    sender_id: UserId,
    sender_name: String,
    #[sqlx(try_from = "String")]
    sender_role: Role,
    body: String,
    client_id: String,
    created_at: i64,
}

impl From<MessageRow> for ChatMessage {
    fn from(r: MessageRow) -> ChatMessage {
        ChatMessage {
            id: r.id,
            order_id: r.order_id,
            sender: Party {
                id: r.sender_id,
                name: r.sender_name,
            },
            sender_role: r.sender_role,
            body: r.body,
            client_id: r.client_id,
            at: rfc3339(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReadRow {
    order_id: OrderId,
    user_id: UserId,
    name: String,
    last_read_id: MessageId,
    read_at: i64,
}

/// The message `sender` sent with `client_id`, if any (a resend).
pub async fn by_client_id(
    db: &Db,
    sender_id: UserId,
    client_id: &str,
) -> Result<Option<ChatMessage>, sqlx::Error> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} WHERE m.sender_id = $1 AND m.client_id = $2");
    sqlx::query_as::<_, MessageRow>(&sql)
        .bind(sender_id)
        .bind(client_id)
        .fetch_optional(&db.pool)
        .await
        .map(|row| row.map(ChatMessage::from))
}

/// Inserts a message inside `tx`; `None` when `client_id` was used already
/// by this sender (a concurrent resend won).
pub async fn insert(
    tx: &mut WriteConn,
    order_id: OrderId,
    sender_id: UserId,
    client_id: &str,
    body: &str,
    at: i64,
) -> Result<Option<MessageId>, sqlx::Error> {
    let inserted = Query::new(
        "INSERT INTO chat_messages (order_id, sender_id, client_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(order_id)
    .bind(sender_id)
    .bind(client_id)
    .bind(body)
    .bind(at)
    .fetch_one(tx)
    .await;
    match inserted {
        Ok(row) => Ok(Some(MessageId(row.i64("id")?))),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The newest `limit` messages of an order, oldest first.
pub async fn history(
    db: &Db,
    order_id: OrderId,
    limit: i64,
) -> Result<Vec<ChatMessage>, sqlx::Error> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} WHERE m.order_id = $1 ORDER BY m.id DESC LIMIT $2");
    let rows: Vec<MessageRow> = sqlx::query_as(&sql)
        .bind(order_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    let mut messages: Vec<ChatMessage> = rows.into_iter().map(ChatMessage::from).collect();
    messages.reverse();
    Ok(messages)
}

/// Moves the reader's mark forward (never back) inside `tx`; `false` when
/// it was already there or further.
pub async fn mark_read(
    tx: &mut WriteConn,
    order_id: OrderId,
    user_id: UserId,
    up_to: MessageId,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = Query::new(
        "INSERT INTO chat_reads (order_id, user_id, last_read_id, read_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (order_id, user_id) DO UPDATE SET last_read_id = excluded.last_read_id, read_at = excluded.read_at \
         WHERE chat_reads.last_read_id < excluded.last_read_id",
    )
    .bind(order_id)
    .bind(user_id)
    .bind(up_to)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(done > 0)
}

pub async fn reads(db: &Db, order_id: OrderId) -> Result<Vec<ChatRead>, sqlx::Error> {
    let rows: Vec<ReadRow> = sqlx::query_as(
        "SELECT r.order_id, r.user_id, u.name, r.last_read_id, r.read_at \
         FROM chat_reads r JOIN users u ON u.id = r.user_id WHERE r.order_id = $1",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ChatRead {
            order_id: r.order_id,
            user_id: r.user_id,
            name: r.name,
            up_to_message_id: r.last_read_id,
            at: rfc3339(r.read_at),
        })
        .collect())
}

/// The id of the newest message of an order, 0 when there is none.
pub async fn latest_id(db: &Db, order_id: OrderId) -> Result<MessageId, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS id FROM chat_messages WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_one(&db.pool)
    .await
}
