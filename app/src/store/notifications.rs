//! Notifications per user.

use sqlx::{Any, Row, Transaction};

use super::Db;
use crate::model::notification::Notification;
use crate::model::time::rfc3339;

/// What to tell one user.
pub struct NewNotification<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub order_id: Option<i64>,
}

/// Inserts inside `tx`; returns the stored notification and the user's unread count.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: &NewNotification<'_>,
    at: i64,
) -> Result<(Notification, i64), sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO notifications (user_id, kind, title, body, order_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.kind)
    .bind(new.title)
    .bind(new.body)
    .bind(new.order_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    let unread: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(new.user_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    let notification = Notification {
        id,
        kind: new.kind.to_owned(),
        title: new.title.to_owned(),
        body: new.body.to_owned(),
        order_id: new.order_id,
        at: rfc3339(at),
        read: false,
    };
    Ok((notification, unread))
}

pub async fn list(db: &Db, user_id: i64, limit: i64) -> Result<Vec<Notification>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, title, body, order_id, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Notification {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
                order_id: row.try_get("order_id")?,
                at: rfc3339(row.try_get("created_at")?),
                read: row.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect()
}

pub async fn unread(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// Marks the user's own notifications read: `ids`, or all of them.
pub async fn mark_read(
    db: &Db,
    user_id: i64,
    ids: Option<&[i64]>,
    at: i64,
) -> Result<(), sqlx::Error> {
    match ids {
        None => {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(at)
            .bind(user_id)
            .execute(&db.pool)
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
                .execute(&db.pool)
                .await?;
            }
        }
    }
    Ok(())
}

/// The staff of a restaurant (who hear of its new orders).
pub async fn staff_of(
    tx: &mut Transaction<'static, Any>,
    restaurant_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query("SELECT user_id FROM restaurant_staff WHERE restaurant_id = $1")
        .bind(restaurant_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| row.try_get("user_id"))
        .collect()
}
