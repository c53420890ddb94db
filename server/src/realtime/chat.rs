//! `chat:send`, `chat:typing`, `chat:read`: the order chat over the socket.

use mealstream_core::service::{chat, Ctx};
use model::chat::SendMessage;
use model::error::AppError;
use serde::Deserialize;
use serde_json::{json, Value};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, MaybeExtension, SocketRef, State, TryData};

use super::socket_user::SocketUser;
use super::{parse, reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Send {
    order_id: i64,
    body: String,
    client_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Typing {
    order_id: i64,
    #[serde(default = "yes")]
    typing: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Read {
    order_id: i64,
    up_to_message_id: i64,
}

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
        let req: Send = parse(data)?;
        let input = SendMessage {
            body: req.body,
            client_id: Some(req.client_id),
        };
        let (message, new) = chat::send(&ctx, &me.user, req.order_id, &input).await?;
        Ok(json!({ "ok": true, "message": message, "duplicate": !new }))
    }
    .await;
    reply(ack, result);
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
        Ok(json!({ "ok": true }))
    }
    .await;
    reply(ack, result);
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
        let req: Read = parse(data)?;
        chat::read(&ctx, &me.user, req.order_id, req.up_to_message_id).await?;
        Ok(json!({ "ok": true }))
    }
    .await;
    reply(ack, result);
}
