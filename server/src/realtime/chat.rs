//! `chat:send`, `chat:typing`, `chat:read`: the order chat over the socket.

use mealstream_core::service::chat;
use model::chat::SendMessage;
use model::requests::{ChatSent, Done, ReadChat, SendChat, Typing};
use socketioxide::adapter::Adapter;

use super::call::{Call, Rights};

pub async fn on_send<A: Adapter>(call: Call<A>) {
    call.answer::<SendChat>(Rights::ReadNow, async |mut c| {
        let req: SendChat = c.payload()?;
        let input = SendMessage {
            body: req.body,
            client_id: Some(req.client_id),
        };
        let (message, new) = chat::send(c.ctx, &c.me.user, req.order_id, &input).await?;
        Ok(ChatSent {
            message,
            duplicate: !new,
        })
    })
    .await;
}

pub async fn on_typing<A: Adapter>(call: Call<A>) {
    call.answer::<Typing>(Rights::Held, async |mut c| {
        let req: Typing = c.payload()?;
        chat::typing(c.ctx, &c.me.user, req.order_id, req.typing).await?;
        Ok(Done {})
    })
    .await;
}

pub async fn on_read<A: Adapter>(call: Call<A>) {
    call.answer::<ReadChat>(Rights::Held, async |mut c| {
        let req: ReadChat = c.payload()?;
        chat::read(c.ctx, &c.me.user, req.order_id, req.up_to_message_id).await?;
        Ok(Done {})
    })
    .await;
}
