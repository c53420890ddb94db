//! Notifications per user.

use super::write::{Columns, Query, WriteConn};

use super::{users_in_id_order, Backend, Db};
use model::notification::Notification;
use model::time::rfc3339;
use model::{NotificationId, OrderId, Role, UserId};

/// What to tell one user.
pub struct NewNotification<'a> {
    pub user_id: UserId,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub order_id: Option<OrderId>,
}

/// Inserts one notification per entry of `new` (at most one per user) in
/// one statement, and adds one to each user's unread count; returns each
/// one's user, id and its user's new unread count.
pub async fn insert_all(
    tx: &mut WriteConn,
    new: &[NewNotification<'_>],
    at: i64,
) -> Result<Vec<(UserId, NotificationId, i64)>, sqlx::Error> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<String> = (0..new.len())
        .map(|i| {
            let p = i * 5 + 1;
            format!(
                "(${}, ${}, ${}, ${}, ${}, $1)",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) VALUES {} \
         RETURNING id, user_id",
        values.join(", ")
    );
    let mut query = Query::new(sql).bind(at);
    for n in new {
        query = query
            .bind(n.user_id)
            .bind(n.kind)
            .bind(n.title)
            .bind(n.body)
            .bind(n.order_id);
    }
    let ids = query.fetch_all(tx).await?;
    let unread = count_in(tx, new.iter().map(|n| n.user_id)).await?;
    ids.iter()
        .map(|row| {
            let user_id = UserId(row.i64("user_id")?);
            let count = unread
                .iter()
                .find(|(id, _)| *id == user_id)
                .map(|(_, n)| *n)
                .ok_or_else(|| sqlx::Error::Protocol(format!("no unread count for {user_id}")))?;
            Ok((user_id, NotificationId(row.i64("id")?), count))
        })
        .collect()
}

/// Adds one to each user's unread count; returns the new counts.
async fn count_in(
    tx: &mut WriteConn,
    users: impl Iterator<Item = UserId>,
) -> Result<Vec<(UserId, i64)>, sqlx::Error> {
    let users: Vec<UserId> = users.collect();
    let list: Vec<String> = (1..=users.len()).map(|p| format!("${p}")).collect();
    let which = in_id_order(tx, &format!("id IN ({})", list.join(", ")));
    let mut query = Query::new(format!(
        "UPDATE users SET unread_notifications = unread_notifications + 1 WHERE {which} \
         RETURNING id, unread_notifications"
    ));
    for user in users {
        query = query.bind(user);
    }
    query
        .fetch_all(tx)
        .await?
        .iter()
        .map(|row| Ok((UserId(row.i64("id")?), row.i64("unread_notifications")?)))
        .collect()
}

/// [`users_in_id_order`] for `tx`'s database.
fn in_id_order(tx: &WriteConn, which: &str) -> String {
    let backend = match tx {
        WriteConn::Sqlite(_) => Backend::Sqlite,
        WriteConn::Postgres(_) => Backend::Postgres,
    };
    users_in_id_order(backend, which)
}

/// The same notification for every active user (of `role`, if given), in
/// one `INSERT ... SELECT`, and one more unread for each of them; returns
/// how many were written.
pub async fn insert_for_audience(
    tx: &mut WriteConn,
    role: Option<Role>,
    kind: &str,
    title: &str,
    body: &str,
    at: i64,
) -> Result<u64, sqlx::Error> {
    const AUDIENCE: &str = "suspended = 0 AND ($1 = '' OR role = $1)";
    let role = role.map(|r| r.as_str()).unwrap_or_default();
    let done = Query::new(format!(
        "INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) \
         SELECT id, $2, $3, $4, NULL, $5 FROM users WHERE {AUDIENCE}"
    ))
    .bind(role)
    .bind(kind)
    .bind(title)
    .bind(body)
    .bind(at)
    .execute(tx)
    .await?;
    let which = in_id_order(tx, AUDIENCE);
    Query::new(format!(
        "UPDATE users SET unread_notifications = unread_notifications + 1 WHERE {which}"
    ))
    .bind(role)
    .execute(tx)
    .await?;
    Ok(done)
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: NotificationId,
    kind: String,
    title: String,
    body: String,
    order_id: Option<OrderId>,
    created_at: i64,
    read_at: Option<i64>,
}

pub async fn list(db: &Db, user_id: UserId, limit: i64) -> Result<Vec<Notification>, sqlx::Error> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT id, kind, title, body, order_id, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            order_id: r.order_id,
            at: rfc3339(r.created_at),
            read: r.read_at.is_some(),
        })
        .collect())
}

pub async fn unread(db: &Db, user_id: UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT unread_notifications FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map(Option::unwrap_or_default)
}

/// Marks the user's own notifications read: `ids`, or all of them, and
/// takes what it marked off the user's unread count, in one transaction.
pub async fn mark_read(
    tx: &mut WriteConn,
    user_id: UserId,
    ids: Option<&[NotificationId]>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let mut query = match ids {
        None => Query::new(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        ),
        Some(ids) => {
            let list: Vec<String> = (3..ids.len() + 3).map(|p| format!("${p}")).collect();
            Query::new(format!(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL \
                 AND id IN ({})",
                list.join(", ")
            ))
        }
    }
    .bind(at)
    .bind(user_id);
    for id in ids.unwrap_or_default() {
        query = query.bind(*id);
    }
    let marked = query.execute(tx).await?;
    if marked > 0 {
        Query::new(
            "UPDATE users SET unread_notifications = unread_notifications - $1 WHERE id = $2",
        )
        .bind(marked as i64)
        .bind(user_id)
        .execute(tx)
        .await?;
    }
    Ok(())
}
