//! Notifications: every user-facing lifecycle change also leaves a note
//! for the people it concerns, written in the change's own transaction and
//! pushed as `notification:new` (logged, so replayed); a bell shows the
//! unread count; notes are marked read one by one or all at once.

use sqlx::{Any, Transaction};

use super::events::{self, LoggedEvent};
use super::Ctx;
use crate::error::AppError;
use crate::model::notification::{MarkRead, NotificationList, NotificationNew};
use crate::model::User;
use crate::realtime::events::NOTIFICATION_NEW;
use crate::realtime::rooms::Room;
use crate::store::{self, notifications::NewNotification, now_ms};

/// The newest notifications a list shows.
const LISTED: i64 = 50;
/// Most ids one mark-as-read call takes.
const MAX_IDS: usize = 200;

/// What to tell, and to whom.
pub struct Note<'a> {
    pub recipients: Vec<i64>,
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    pub order_id: Option<i64>,
}

/// Stores the note for each recipient inside `tx` and logs a
/// `notification:new` to each one's sockets; publish the returned events
/// after the commit.
pub async fn record(
    ctx: &Ctx,
    tx: &mut Transaction<'static, Any>,
    note: Note<'_>,
) -> Result<Vec<LoggedEvent>, AppError> {
    let mut recipients = note.recipients;
    recipients.sort_unstable();
    recipients.dedup();
    let at = now_ms();
    let mut logged = Vec::with_capacity(recipients.len());
    for user_id in recipients {
        let new = NewNotification {
            user_id,
            kind: note.kind,
            title: &note.title,
            body: &note.body,
            order_id: note.order_id,
        };
        let (notification, unread) = store::notifications::insert(tx, &new, at).await?;
        let payload = NotificationNew {
            notification,
            unread,
        };
        logged.push(
            events::log(
                ctx,
                tx,
                NOTIFICATION_NEW,
                vec![Room::user(user_id)],
                &payload,
            )
            .await?,
        );
    }
    Ok(logged)
}

/// The staff of a restaurant, read inside `tx`.
pub async fn staff_of(
    tx: &mut Transaction<'static, Any>,
    restaurant_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(store::notifications::staff_of(tx, restaurant_id).await?)
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
    if request.all {
        store::notifications::mark_read(&ctx.db, user.id, None, now_ms()).await?;
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
        if request.ids.iter().any(|id| *id < 1) {
            return Err(AppError::invalid("ids", "must be positive integers"));
        }
        store::notifications::mark_read(&ctx.db, user.id, Some(&request.ids), now_ms()).await?;
    }
    Ok(store::notifications::unread(&ctx.db, user.id).await?)
}
