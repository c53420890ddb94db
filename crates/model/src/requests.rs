//! Socket requests and their answers: each request's name on the wire and
//! the answer it gets are tied to its type here ([`Request`]), so the
//! browser's client and the server's handlers cannot disagree. An answer
//! travels as `{"ok": true, ...answer}` or `{"ok": false, "error": {...}}`
//! ([`Ack`]).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::chat::ChatMessage;
use crate::error::{AppError, ErrorDetail};
use crate::events::LocationUpdate;
use crate::{MessageId, OrderId, RestaurantId};

/// A request a socket may send, and what it gets back.
pub trait Request: Serialize + DeserializeOwned {
    const NAME: &'static str;
    type Answer: Serialize + DeserializeOwned;
}

/// Answer to a socket request: `{"ok": true, ...}` or
/// `{"ok": false, "error": {"code", "message"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ack<T> {
    pub ok: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

impl<T> Ack<T> {
    pub fn ok(data: T) -> Self {
        Ack {
            ok: true,
            data: Some(data),
            error: None,
        }
    }

    pub fn err(e: &AppError) -> Self {
        Ack {
            ok: false,
            data: None,
            error: Some(e.body().error),
        }
    }
}

/// The answer of a request that returns nothing but its success.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Done {}

/// `order:watch`: follow one order's ephemeral events (the driver's position).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchOrder {
    pub order_id: OrderId,
}

/// `order:watch` answer: the order as it stands and, once a driver has it,
/// their last known position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Watching {
    pub order: crate::Order,
    pub last_location: Option<LocationUpdate>,
}

/// `order:unwatch`: stop following an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnwatchOrder {
    pub order_id: OrderId,
}

/// `menu:watch`: hear of one restaurant's price and availability changes
/// while its menu is open (one menu per socket: watching another leaves it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchMenu {
    pub restaurant_id: RestaurantId,
}

/// `menu:unwatch`: the menu was closed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UnwatchMenu {}

/// `driver:location` request and `POST /api/driver/location` body.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationReport {
    pub lat: f64,
    pub lng: f64,
    #[serde(default)]
    pub heading: Option<f64>,
    #[serde(default)]
    pub speed: Option<f64>,
}

/// `driver:availability` request and `POST /api/driver/availability` body.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    pub online: bool,
}

/// `driver:availability` answer: whether the driver is online now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvailabilitySet {
    pub online: bool,
}

/// `driver:location` answer: whether the report went out (`false` when the
/// driver has no active delivery to show it on).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocationSent {
    pub sent: bool,
}

/// `chat:send`: a message in an order's chat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendChat {
    pub order_id: OrderId,
    pub body: String,
    /// The sender's id for this message: a resend with it is the same message.
    pub client_id: String,
}

/// `chat:send` answer: the message as stored, and whether it was a resend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatSent {
    pub message: ChatMessage,
    pub duplicate: bool,
}

/// `chat:typing`: the sender started (or stopped) typing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Typing {
    pub order_id: OrderId,
    #[serde(default = "yes")]
    pub typing: bool,
}

fn yes() -> bool {
    true
}

/// `chat:read`: the sender read an order's chat up to a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadChat {
    pub order_id: OrderId,
    pub up_to_message_id: MessageId,
}

macro_rules! requests {
    ($( $name:literal: $req:ty => $answer:ty, )*) => {
        $(
            impl Request for $req {
                const NAME: &'static str = $name;
                type Answer = $answer;
            }
        )*
        /// Every request name, for the server to listen on.
        pub const NAMES: &[&str] = &[$($name),*];
    };
}

requests! {
    "order:watch": WatchOrder => Watching,
    "order:unwatch": UnwatchOrder => Done,
    "menu:watch": WatchMenu => Done,
    "menu:unwatch": UnwatchMenu => Done,
    "driver:availability": Availability => AvailabilitySet,
    "driver:location": LocationReport => LocationSent,
    "chat:send": SendChat => ChatSent,
    "chat:typing": Typing => Done,
    "chat:read": ReadChat => Done,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_travels_flat_beside_ok() {
        let ack = serde_json::to_value(Ack::ok(LocationSent { sent: true })).unwrap();
        assert_eq!(ack, serde_json::json!({"ok": true, "sent": true}));
        let done = serde_json::to_value(Ack::ok(Done {})).unwrap();
        assert_eq!(done, serde_json::json!({"ok": true}));
        let refused = serde_json::to_value(Ack::<Done>::err(&AppError::Forbidden)).unwrap();
        assert_eq!(refused["error"]["code"], "forbidden");
        assert_eq!(refused["ok"], false);
    }
}
