//! The event catalog: one set of serde types used by the emitter and the
//! browser client alike. All JSON is camelCase.

use serde::{Deserialize, Serialize};

use crate::Role;

pub const HELLO: &str = "hello";
pub const SESSION_REVOKED: &str = "session:revoked";

/// The user as a socket sees itself in `hello`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelloUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Sent once a socket is connected (after any replay): who it is, which
/// rooms the server put it in, and the newest event id it has seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hello {
    pub user: HelloUser,
    pub rooms: Vec<String>,
    pub last_event_id: i64,
    /// The log no longer holds every event since the handshake's
    /// `lastEventId` (the retention pruned some): what the client shows may
    /// be stale, and it should fetch the state again.
    #[serde(default)]
    pub resync: bool,
}

/// Sent to every socket of a session that ends (sign-out, suspension),
/// right before the server disconnects it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRevoked {
    pub reason: String,
}

/// The optional `auth` payload of the Socket.IO handshake.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandshakeAuth {
    #[serde(default)]
    pub last_event_id: Option<i64>,
}

pub const ORDER_CREATED: &str = "order:created";
pub const ORDER_STATUS_CHANGED: &str = "order:status_changed";

/// A customer placed an order: to its restaurant's staff, the customer's
/// other devices and admins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    pub order_id: i64,
    pub order: crate::OrderSummary,
}

/// An order moved one step of its lifecycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusChanged {
    pub order_id: i64,
    pub restaurant_id: i64,
    pub restaurant_name: String,
    pub from: crate::OrderStatus,
    pub to: crate::OrderStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// The order's version after the change.
    pub version: i64,
}

/// Every logged event carries its id (grows, never reused) and time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Logged<T> {
    pub event_id: i64,
    pub at: String,
    #[serde(flatten)]
    pub data: T,
}

/// Answer to a socket request: `{"ok": true, ...}` or
/// `{"ok": false, "error": {"code", "message"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ack<T> {
    pub ok: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::ErrorDetail>,
}

impl<T> Ack<T> {
    pub fn ok(data: T) -> Self {
        Ack {
            ok: true,
            data: Some(data),
            error: None,
        }
    }

    pub fn err(e: &crate::error::AppError) -> Self {
        Ack {
            ok: false,
            data: None,
            error: Some(e.body().error),
        }
    }
}

/// `order:watch` / `order:unwatch` request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchOrder {
    pub order_id: i64,
}

/// `order:watch` answer: the order as it stands and, once a driver has it,
/// their last known position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Watching {
    pub order: crate::Order,
    pub last_location: Option<LocationUpdate>,
}

pub const DELIVERY_OFFER: &str = "delivery:offer";
pub const DELIVERY_OFFER_WITHDRAWN: &str = "delivery:offer_withdrawn";
pub const DELIVERY_ASSIGNED: &str = "delivery:assigned";
/// Ephemeral: never logged, never replayed.
pub const DELIVERY_LOCATION_UPDATE: &str = "delivery:location_update";
/// Ephemeral, to admins: the thinned feed of online drivers' positions.
pub const DRIVER_POSITION: &str = "driver:position";

pub const NOTIFICATION_NEW: &str = "notification:new";
pub const DISPUTE_OPENED: &str = "dispute:opened";
pub const SYSTEM_ANNOUNCEMENT: &str = "system:announcement";
pub const DISPUTE_RESOLVED: &str = "dispute:resolved";

pub const CHAT_MESSAGE: &str = "chat:message";
pub const CHAT_READ: &str = "chat:read";
/// Ephemeral: `{orderId, user:{id,name}, typing}`.
pub const CHAT_TYPING: &str = "chat:typing";

/// `chat:typing` as the server relays it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatTyping {
    pub order_id: i64,
    pub user: crate::Party,
    pub typing: bool,
}

/// An offer to one driver: take this delivery before `expiresAt`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOffer {
    pub order_id: i64,
    pub restaurant_name: String,
    pub pickup: crate::Place,
    pub dropoff: crate::Place,
    /// From the driver to the restaurant, when the driver's position is known.
    pub pickup_distance_m: Option<i64>,
    /// From the restaurant to the customer.
    pub distance_m: i64,
    pub expires_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferWithdrawn {
    pub order_id: i64,
    /// "taken" (another driver won), "expired", or "cancelled".
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAssigned {
    pub order_id: i64,
    pub driver: crate::Party,
}

/// Where a driver is, as sent to the watchers of their active order.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationUpdate {
    pub order_id: i64,
    pub driver_id: i64,
    pub lat: f64,
    pub lng: f64,
    pub heading: Option<f64>,
    pub speed: Option<f64>,
    pub at: String,
    /// Seconds until the driver reaches the next stop (pickup, then drop-off).
    pub eta_seconds: i64,
}

/// A driver on the admin map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverPosition {
    pub driver_id: i64,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub at: String,
    pub order_id: Option<i64>,
}

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
