//! Notifications: every user-facing lifecycle change also leaves a note
//! for the people it concerns, written in the change's own transaction and
//! pushed as `notification:new` (logged, so replayed); a bell shows the
//! unread count; notes are marked read one by one or all at once.

use super::outbox::EventTx;
use super::Ctx;
use crate::store::{self, notifications::NewNotification};
use model::error::AppError;
use model::notification::{MarkRead, Notification, NotificationList, NotificationNew};
use model::rooms::Room;
use model::time::rfc3339;
use model::{NotificationId, OrderId, User, UserId};

/// The newest notifications a list shows.
const LISTED: i64 = 50;
/// Most ids one mark-as-read call takes.
const MAX_IDS: usize = 200;

/// What to tell, and to whom.
pub struct Note<'a> {
    pub recipients: Vec<UserId>,
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    pub order_id: Option<OrderId>,
}

/// One row per recipient of `notes`; a user named by several notes gets
/// the first.
pub fn rows<'a>(notes: &'a [Note<'a>]) -> Vec<NewNotification<'a>> {
    let mut rows: Vec<NewNotification> = Vec::new();
    for note in notes {
        for &user_id in &note.recipients {
            if rows.iter().all(|r| r.user_id != user_id) {
                rows.push(NewNotification {
                    user_id,
                    kind: note.kind,
                    title: &note.title,
                    body: &note.body,
                    order_id: note.order_id,
                });
            }
        }
    }
    rows
}

/// The `notification:new` event of `row`, stored at `at` with `id` and
/// leaving `unread` unread.
pub fn event_of(
    row: &NewNotification<'_>,
    id: NotificationId,
    at: i64,
    unread: i64,
) -> NotificationNew {
    NotificationNew {
        notification: Notification {
            id,
            kind: row.kind.to_owned(),
            title: row.title.to_owned(),
            body: row.body.to_owned(),
            order_id: row.order_id,
            at: rfc3339(at),
            read: false,
        },
        unread,
    }
}

/// The rows of `notes` (see [`rows`]), each with its `notification:new`
/// payload written with id 0 and unread 0, for a write that fills them in
/// with SQL (`store::pg_write`).
pub fn templated<'a>(
    notes: &'a [Note<'a>],
    at: i64,
) -> Result<Vec<(NewNotification<'a>, String)>, AppError> {
    rows(notes)
        .into_iter()
        .map(|row| {
            let event = event_of(&row, NotificationId(0), at, 0);
            serde_json::to_string(&event)
                .map(|payload| (row, payload))
                .map_err(|e| AppError::Internal(e.into()))
        })
        .collect()
}

/// Stores each note for its recipients inside `tx` (see [`rows`]), in one
/// statement, and logs a `notification:new` to each one's sockets.
pub async fn record(tx: &mut EventTx, notes: &[Note<'_>]) -> Result<(), AppError> {
    let rows = rows(notes);
    let at = tx.now_ms();
    let stored = store::notifications::insert_all(tx, &rows, at).await?;
    for (user_id, id, unread) in stored {
        let row = rows
            .iter()
            .find(|r| r.user_id == user_id)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unexpected user {user_id}")))?;
        tx.log(vec![Room::user(user_id)], &event_of(row, id, at, unread))?;
    }
    Ok(())
}

pub async fn list(ctx: &Ctx, user: &User) -> Result<NotificationList, AppError> {
    Ok(NotificationList {
        items: store::notifications::list(&ctx.db, user.id, LISTED).await?,
        unread: store::notifications::unread(&ctx.db, user.id).await?,
    })
}

/// Marks some of the user's notifications (or all) read; others' ids are
/// ignored. Returns the unread count left.
pub async fn mark_read(ctx: &Ctx, user: &User, request: &MarkRead) -> Result<i64, AppError> {
    let ids = if request.all {
        None
    } else {
        if request.ids.is_empty() {
            return Err(AppError::invalid(
                "ids",
                "name the notifications to mark, or send \"all\": true",
            ));
        }
        if request.ids.len() > MAX_IDS {
            return Err(AppError::invalid(
                "ids",
                format!("at most {MAX_IDS} at once"),
            ));
        }
        if request.ids.iter().any(|id| *id < NotificationId(1)) {
            return Err(AppError::invalid("ids", "must be positive integers"));
        }
        Some(request.ids.as_slice())
    };
    let mut tx = ctx.db.begin().await?;
    store::notifications::mark_read(&mut tx, user.id, ids, ctx.now_ms()).await?;
    tx.commit().await?;
    Ok(store::notifications::unread(&ctx.db, user.id).await?)
}
