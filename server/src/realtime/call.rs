//! One client request over the socket, as every handler sees it: the
//! socket, its user (set at connect), the payload and the ack. [`Call::answer`]
//! holds the shape all handlers share: a signed-in socket, within its event
//! budget, its rights re-read when the request is privileged, and exactly one
//! ack, `{ok: true, ...answer}` or `{ok: false, error}`.

use std::sync::Arc;

use mealstream_core::service::Ctx;
use model::error::AppError;
use model::requests::{Ack, Request};
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, MaybeExtension, SocketRef, State, TryData};
use socketioxide::handler::FromMessageParts;
use socketioxide::socket::Socket;

use super::socket_user::SocketUser;

/// Largest event payload a handler reads: beyond it an error ack, and the
/// socket stays connected.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;

/// How much a request trusts the rights the socket connected with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rights {
    /// Held since connect (and re-read periodically by `rights`).
    Held,
    /// Read again now (following an order, sending a message, going
    /// online): a lapsed socket is ended and the request refused.
    ReadNow,
}

/// A request as it arrives: extracted whole, never refused by extraction,
/// so every request gets its ack.
pub struct Call<A: Adapter> {
    socket: SocketRef<A>,
    ctx: Option<Ctx>,
    me: Option<SocketUser>,
    data: Result<Value, String>,
    ack: AckSender<A>,
}

/// What a handler's work is given: who asks, on which socket, and the
/// payload to read.
pub struct Caller<'a, A: Adapter> {
    pub socket: &'a SocketRef<A>,
    pub ctx: &'a Ctx,
    pub me: &'a SocketUser,
    data: Result<Value, String>,
}

impl<A: Adapter> FromMessageParts<A> for Call<A> {
    type Error = std::convert::Infallible;

    fn from_message_parts(
        s: &Arc<Socket<A>>,
        v: &mut socketioxide::handler::Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Self::Error> {
        let Ok(socket) = SocketRef::from_message_parts(s, v, ack_id);
        let Ok(MaybeExtension(me)) = MaybeExtension::<SocketUser>::from_message_parts(s, v, ack_id);
        let Ok(TryData(data)) = TryData::<Value>::from_message_parts(s, v, ack_id);
        let Ok(ack) = AckSender::from_message_parts(s, v, ack_id);
        Ok(Call {
            ctx: State::<Ctx>::from_message_parts(s, v, ack_id)
                .ok()
                .map(|State(ctx)| ctx),
            ack,
            data: data.map_err(|e| e.to_string()),
            socket,
            me,
        })
    }
}

impl<A: Adapter> Call<A> {
    /// Answers `R`: checks the caller, then runs `work`, and acks what it
    /// returns (the answer's type is the request's, `Request::Answer`).
    pub async fn answer<R: Request>(
        self,
        rights: Rights,
        work: impl AsyncFnOnce(Caller<'_, A>) -> Result<R::Answer, AppError>,
    ) {
        let result = async {
            let ctx = self
                .ctx
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("the socket state holds no Ctx"))?;
            let me = self.me.as_ref().ok_or(AppError::Unauthenticated)?;
            super::limits::spend(&self.socket)?;
            if rights == Rights::ReadNow {
                super::rights::recheck(&self.socket, ctx, me).await?;
            }
            work(Caller {
                socket: &self.socket,
                ctx,
                me,
                data: self.data,
            })
            .await
        }
        .await;
        let _ = match result {
            Ok(answer) => self.ack.send(&Ack::ok(answer)),
            Err(e) => self.ack.send(&Ack::<R::Answer>::err(&e)),
        };
    }

    /// A request no handler knows: an "invalid" error ack naming it (when
    /// the client asked for one). It spends from the event budget like any
    /// other, so a stream of them is cut the same way.
    pub fn unknown(self, name: &str) {
        let error = match super::limits::spend(&self.socket) {
            Err(e) => e,
            Ok(()) => AppError::invalid("event", format!("no request is called `{name}`")),
        };
        let _ = self.ack.send(&Ack::<Value>::err(&error));
    }
}

impl<A: Adapter> Caller<'_, A> {
    /// Reads the payload into `T`: unreadable -> "malformed", too large ->
    /// "too_large", wrong shape -> "invalid".
    pub fn payload<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, AppError> {
        let value = self.value()?;
        serde_json::from_value(value).map_err(|e| AppError::invalid("payload", e.to_string()))
    }

    /// The payload as JSON, once: unreadable -> "malformed", too large ->
    /// "too_large".
    pub fn value(&mut self) -> Result<Value, AppError> {
        let value = std::mem::replace(&mut self.data, Ok(Value::Null))
            .map_err(|e| AppError::Malformed(format!("unreadable payload: {e}")))?;
        check_size(&value)?;
        Ok(value)
    }
}

/// `{<field>: id}` as a positive integer, or "invalid" naming the field.
pub fn positive_id(value: Value, field: &'static str) -> Result<i64, AppError> {
    value
        .get(field)
        .and_then(Value::as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::invalid(field, "must be a positive integer"))
}

fn check_size(value: &Value) -> Result<(), AppError> {
    let size = serde_json::to_string(value)
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > MAX_EVENT_BYTES {
        return Err(AppError::TooLarge(format!(
            "event payload over {} KiB",
            MAX_EVENT_BYTES / 1024
        )));
    }
    Ok(())
}
