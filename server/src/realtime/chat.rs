//! `chat:send`, `chat:typing`, `chat:read`: the order chat over the socket.

use mealstream_core::service::{chat, Ctx};
use model::chat::SendMessage;
use model::error::AppError;
use model::requests::{ChatSent, Done, ReadChat, SendChat, Typing};
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, MaybeExtension, SocketRef, State, TryData};

use super::socket_user::SocketUser;
use super::{parse, reply};

pub async fn on_send<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        let me = me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        super::rights::recheck(&s, &ctx, &me).await?;
        let req: SendChat = parse(data)?;
        let input = SendMessage {
            body: req.body,
            client_id: Some(req.client_id),
        };
        let (message, new) = chat::send(&ctx, &me.user, req.order_id, &input).await?;
        Ok(ChatSent {
            message,
            duplicate: !new,
        })
    }
    .await;
    reply::<A, SendChat>(ack, result);
}

pub async fn on_typing<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        let me = me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        let req: Typing = parse(data)?;
        chat::typing(&ctx, &me.user, req.order_id, req.typing).await?;
        Ok(Done {})
    }
    .await;
    reply::<A, Typing>(ack, result);
}

pub async fn on_read<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        let me = me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        let req: ReadChat = parse(data)?;
        chat::read(&ctx, &me.user, req.order_id, req.up_to_message_id).await?;
        Ok(Done {})
    }
    .await;
    reply::<A, ReadChat>(ack, result);
}
