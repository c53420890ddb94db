//! Chat inside an order between its customer, its restaurant's staff and
//! its driver; admins read along. Open while the order is active and for
//! 24 hours after it ends. Messages and read marks are logged events
//! (replayed after a reconnect); typing is ephemeral.

use model::events::ChatTyping;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Ctx;
use crate::store::{self, orders::OrderAccess};
use model::chat::{self, ChatHistory, ChatMessage, ChatRead, SendMessage, OPEN_AFTER_END_MS};
use model::error::AppError;
use model::rooms::Room;
use model::time::rfc3339;
use model::{MessageId, OrderId, Party, Role, User};

/// Messages shown when a chat opens.
const HISTORY: i64 = 200;

struct Chatroom {
    access: OrderAccess,
    /// The reader may send now (a participant, and the chat is open).
    may_send: bool,
    open: bool,
}

/// Who may read this order's chat: its participants and admins. To anyone
/// else the order does not exist (404, as for an unknown id), so chat
/// cannot be used to probe which order ids are real.
async fn enter(ctx: &Ctx, user: &User, order_id: OrderId) -> Result<Chatroom, AppError> {
    let access = store::orders::access(&ctx.db, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let participant = match user.role {
        Role::Customer => access.customer_id == user.id,
        Role::Restaurant => user.restaurant_id == Some(access.restaurant_id),
        Role::Driver => access.driver_id == Some(user.id),
        Role::Admin => false,
    };
    if !participant && user.role != Role::Admin {
        return Err(AppError::NotFound("order"));
    }
    let open = !access.status.is_final() || ctx.now_ms() - access.updated_at < OPEN_AFTER_END_MS;
    Ok(Chatroom {
        may_send: participant && open,
        open,
        access,
    })
}

/// Every socket of every participant, all devices, even with the order
/// not open: the customer's and driver's user rooms and the restaurant's.
fn participants(access: &OrderAccess) -> Vec<String> {
    let mut rooms = vec![
        Room::user(access.customer_id),
        Room::restaurant(access.restaurant_id),
    ];
    if let Some(driver) = access.driver_id {
        rooms.push(Room::user(driver));
    }
    rooms
}

/// Messages and read marks, which are logged: to the participants and to
/// admins, who read along. Only rooms a socket is in by right, which is
/// what a replay reads; not the order's room, which a socket joins on
/// request and no replay reads (an admin reading along while its socket
/// caught up lost the messages sent meanwhile).
fn logged_to(access: &OrderAccess) -> Vec<String> {
    let mut rooms = participants(access);
    rooms.push(Room::role(Role::Admin));
    rooms
}

/// Typing, which is ephemeral: to the participants and to the order's
/// watchers (an admin reading along).
fn typing_to(access: &OrderAccess) -> Vec<String> {
    let mut rooms = participants(access);
    rooms.push(Room::order(access.id));
    rooms
}

pub async fn history(ctx: &Ctx, user: &User, order_id: OrderId) -> Result<ChatHistory, AppError> {
    let room = enter(ctx, user, order_id).await?;
    Ok(ChatHistory {
        order_id,
        messages: store::chat::history(&ctx.db, order_id, HISTORY).await?,
        reads: store::chat::reads(&ctx.db, order_id).await?,
        open: room.open,
    })
}

fn server_client_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // Only unique, not a time the domain reads: the system clock will do.
    format!(
        "srv-{}-{}",
        store::now_ms(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Sends a message; a resend with the same `clientId` returns the first
/// one (`false`: nothing new was sent).
pub async fn send(
    ctx: &Ctx,
    user: &User,
    order_id: OrderId,
    input: &SendMessage,
) -> Result<(ChatMessage, bool), AppError> {
    let room = enter(ctx, user, order_id).await?;
    if user.role == Role::Admin {
        return Err(AppError::Forbidden);
    }
    if !room.may_send {
        return Err(AppError::Conflict(
            "this order's chat closed 24 hours after it ended".into(),
        ));
    }
    let body = chat::message_body(&input.body).map_err(|m| AppError::invalid("body", m))?;
    let client_id = match &input.client_id {
        Some(raw) => chat::client_id(raw).map_err(|m| AppError::invalid("clientId", m))?,
        None => server_client_id(),
    };
    if let Some(sent) = store::chat::by_client_id(&ctx.db, user.id, &client_id).await? {
        return resent(sent, order_id);
    }
    ctx.limits
        .chat_messages_per_user
        .check(&user.id.to_string(), "at most 5 messages a second")
        .await?;
    let at = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(id) = store::chat::insert(&mut tx, order_id, user.id, &client_id, &body, at).await?
    else {
        drop(tx);
        // A concurrent resend of the same message got there first.
        let sent = store::chat::by_client_id(&ctx.db, user.id, &client_id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        return resent(sent, order_id);
    };
    let message = ChatMessage {
        id,
        order_id,
        sender: Party {
            id: user.id,
            name: user.name.clone(),
        },
        sender_role: user.role,
        body,
        client_id,
        at: rfc3339(at),
    };
    tx.log(logged_to(&room.access), &message)?;
    tx.commit().await?;
    Ok((message, true))
}

fn resent(sent: ChatMessage, order_id: OrderId) -> Result<(ChatMessage, bool), AppError> {
    if sent.order_id == order_id {
        Ok((sent, false))
    } else {
        Err(AppError::Conflict(
            "this clientId was used for another message".into(),
        ))
    }
}

/// "…is typing": to the other participants, never stored.
pub async fn typing(
    ctx: &Ctx,
    user: &User,
    order_id: OrderId,
    typing: bool,
) -> Result<(), AppError> {
    let room = enter(ctx, user, order_id).await?;
    if !room.may_send {
        return Err(AppError::Forbidden);
    }
    let payload = ChatTyping {
        order_id,
        user: Party {
            id: user.id,
            name: user.name.clone(),
        },
        typing,
    };
    ctx.emitter
        .ephemeral(typing_to(&room.access), &payload)
        .await;
    Ok(())
}

/// The reader has seen every message up to `up_to` ("seen" for the others).
pub async fn read(
    ctx: &Ctx,
    user: &User,
    order_id: OrderId,
    up_to: MessageId,
) -> Result<(), AppError> {
    let room = enter(ctx, user, order_id).await?;
    if up_to < MessageId(1) || up_to > store::chat::latest_id(&ctx.db, order_id).await? {
        return Err(AppError::invalid(
            "upToMessageId",
            "is not a message of this chat",
        ));
    }
    if user.role == Role::Admin {
        // Admins read along without marking anything as seen.
        return Ok(());
    }
    let at = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    if !store::chat::mark_read(&mut tx, order_id, user.id, up_to, at).await? {
        return Ok(());
    }
    let mark = ChatRead {
        order_id,
        user_id: user.id,
        name: user.name.clone(),
        up_to_message_id: up_to,
        at: rfc3339(at),
    };
    tx.log(logged_to(&room.access), &mark)?;
    tx.commit().await?;
    Ok(())
}
