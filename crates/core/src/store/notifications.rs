//! Notifications per user.

use super::write::{Columns, Query, WriteConn};

use super::{Backend, Db};
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
/// one statement; returns each one's user, id and its user's unread count,
/// counted in SQL.
pub async fn insert_all(
    tx: &mut WriteConn,
    backend: Backend,
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
    // SQLite's RETURNING sees the rows this statement inserted so far;
    // PostgreSQL's sees the table as it was before the statement.
    let this_one = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " + 1",
    };
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) VALUES {} \
         RETURNING id, user_id, (SELECT COUNT(*) FROM notifications n \
         WHERE n.user_id = notifications.user_id AND n.read_at IS NULL){this_one} AS unread",
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
    let rows = query.fetch_all(tx).await?;
    rows.iter()
        .map(|row| {
            Ok((
                UserId(row.i64("user_id")?),
                NotificationId(row.i64("id")?),
                row.i64("unread")?,
            ))
        })
        .collect()
}

/// The same notification for every active user (of `role`, if given), in
/// one `INSERT ... SELECT`; returns how many were written.
pub async fn insert_for_audience(
    tx: &mut WriteConn,
    role: Option<Role>,
    kind: &str,
    title: &str,
    body: &str,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let done = Query::new(
        "INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) \
         SELECT id, $1, $2, $3, NULL, $4 FROM users \
         WHERE suspended = 0 AND ($5 = '' OR role = $5)",
    )
    .bind(kind)
    .bind(title)
    .bind(body)
    .bind(at)
    .bind(role.map(|r| r.as_str()).unwrap_or_default())
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
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}

/// Marks the user's own notifications read: `ids`, or all of them.
pub async fn mark_read(
    db: &Db,
    user_id: UserId,
    ids: Option<&[NotificationId]>,
    at: i64,
) -> Result<(), sqlx::Error> {
    match ids {
        None => {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(at)
            .bind(user_id)
            .execute(db.writer())
            .await?;
        }
        Some(ids) => {
            for id in ids {
                sqlx::query(
                    "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
                )
                .bind(at)
                .bind(*id)
                .bind(user_id)
                .execute(db.writer())
                .await?;
            }
        }
    }
    Ok(())
}
