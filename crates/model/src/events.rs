//! The event catalog: every event the server sends a browser, its name on
//! the wire tied to its payload type once (`catalog!` below). The emitter
//! logs and sends a payload by its type (`Payload::NAME`); the browser
//! decodes what arrives into one enum, [`Event`]. All JSON is camelCase.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::admin::Announcement;
use crate::chat::{ChatMessage, ChatRead};
use crate::dispute::Dispute;
use crate::notification::NotificationNew;
use crate::{EventId, MenuItemId, OrderId, RestaurantId, Role, UserId};

/// A payload with its event name: the server can send it only under that name.
pub trait Payload: Serialize + DeserializeOwned {
    const NAME: &'static str;
    /// This payload, if `event` is one of its kind.
    fn pick(event: &Event) -> Option<&Self>;
}

macro_rules! catalog {
    ($( $(#[$doc:meta])* $name:literal => $variant:ident($ty:ty), )*) => {
        /// Every event a browser can receive, decoded.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Event {
            $( $(#[$doc])* $variant($ty), )*
        }

        $(
            impl Payload for $ty {
                const NAME: &'static str = $name;
                fn pick(event: &Event) -> Option<&Self> {
                    match event {
                        Event::$variant(payload) => Some(payload),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*

        impl Event {
            /// Every name in the catalog.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// Whether the event belongs to an order's chat.
            pub fn is_chat(&self) -> bool {
                self.name().starts_with("chat:")
            }

            /// The event's name on the wire.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Event::$variant(_) => $name, )*
                }
            }

            /// Reads the event called `name` from its JSON payload: `None`
            /// for a name outside the catalog, an error for a payload that
            /// does not fit its name's type.
            pub fn decode(
                name: &str,
                data: serde_json::Value,
            ) -> Option<Result<Event, serde_json::Error>> {
                match name {
                    $( $name => Some(serde_json::from_value(data).map(Event::$variant)), )*
                    _ => None,
                }
            }
        }
    };
}

catalog! {
    /// Sent once a socket is connected (after any replay).
    "hello" => Hello(Hello),
    /// The session ended (sign-out, suspension); the socket closes next.
    "session:revoked" => SessionRevoked(SessionRevoked),
    "order:created" => OrderCreated(OrderCreated),
    "order:status_changed" => OrderStatusChanged(OrderStatusChanged),
    "delivery:offer" => DeliveryOffer(DeliveryOffer),
    "delivery:offer_withdrawn" => OfferWithdrawn(OfferWithdrawn),
    "delivery:assigned" => DeliveryAssigned(DeliveryAssigned),
    /// Ephemeral: never logged, never replayed.
    "delivery:location_update" => LocationUpdate(LocationUpdate),
    /// Ephemeral, to admins: the thinned feed of online drivers' positions.
    "driver:position" => DriverPosition(DriverPosition),
    "notification:new" => NotificationNew(NotificationNew),
    "dispute:opened" => DisputeOpened(DisputeOpened),
    "dispute:resolved" => DisputeResolved(DisputeResolved),
    "system:announcement" => SystemAnnouncement(Announcement),
    "chat:message" => ChatMessage(ChatMessage),
    "chat:read" => ChatRead(ChatRead),
    /// Ephemeral.
    "chat:typing" => ChatTyping(ChatTyping),
    /// Ephemeral, to `menu:{restaurantId}`: an item was added or edited.
    "menu:item_changed" => MenuItemChanged(MenuItemChanged),
}

/// A menu item as it is now, after staff added or edited it: its price and
/// availability (what a cart checks), and its name and description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuItemChanged {
    pub restaurant_id: RestaurantId,
    pub item_id: MenuItemId,
    pub price_cents: i64,
    pub available: bool,
    pub name: String,
    pub description: String,
}

impl From<&crate::MenuItem> for MenuItemChanged {
    fn from(item: &crate::MenuItem) -> Self {
        Self {
            restaurant_id: item.restaurant_id,
            item_id: item.id,
            price_cents: item.price_cents,
            available: item.available,
            name: item.name.clone(),
            description: item.description.clone(),
        }
    }
}

impl MenuItemChanged {
    /// The item this change describes.
    pub fn item(&self) -> crate::MenuItem {
        crate::MenuItem {
            id: self.item_id,
            restaurant_id: self.restaurant_id,
            name: self.name.clone(),
            description: self.description.clone(),
            price_cents: self.price_cents,
            available: self.available,
        }
    }
}

/// A dispute was opened: to admins and the order's parties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisputeOpened(pub Dispute);

/// A dispute was resolved: to admins and the order's parties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisputeResolved(pub Dispute);

/// The user as a socket sees itself in `hello`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelloUser {
    pub id: UserId,
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
    pub last_event_id: EventId,
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
    pub last_event_id: Option<EventId>,
}

/// A customer placed an order: to its restaurant's staff, the customer's
/// other devices and admins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    pub order_id: OrderId,
    pub order: crate::OrderSummary,
}

/// An order moved one step of its lifecycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusChanged {
    pub order_id: OrderId,
    pub restaurant_id: RestaurantId,
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
    pub event_id: EventId,
    pub at: String,
    #[serde(flatten)]
    pub data: T,
}

/// `chat:typing` as the server relays it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatTyping {
    pub order_id: OrderId,
    pub user: crate::Party,
    pub typing: bool,
}

/// An offer to one driver: take this delivery before `expiresAt`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOffer {
    pub order_id: OrderId,
    pub restaurant_name: String,
    pub pickup: crate::Place,
    pub dropoff: crate::Place,
    /// From the driver to the restaurant, when the driver's position is known.
    pub pickup_distance_m: Option<i64>,
    /// From the restaurant to the customer.
    pub distance_m: i64,
    /// What the driver earns for it ([`crate::driver_pay_cents`]).
    #[serde(default)]
    pub pay_cents: i64,
    pub expires_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferWithdrawn {
    pub order_id: OrderId,
    /// "taken" (another driver won), "expired", "declined" (by this
    /// driver, on another of their devices), or "cancelled".
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAssigned {
    pub order_id: OrderId,
    pub driver: crate::Party,
}

/// Where a driver is, as sent to the watchers of their active order.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationUpdate {
    pub order_id: OrderId,
    pub driver_id: UserId,
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
    pub driver_id: UserId,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub at: String,
    pub order_id: Option<OrderId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_used_once_and_decodes_to_its_own_kind() {
        let mut names = Event::NAMES.to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Event::NAMES.len());
        let typing =
            serde_json::json!({"orderId": 3, "user": {"id": 1, "name": "A"}, "typing": true});
        let event = Event::decode(ChatTyping::NAME, typing.clone())
            .unwrap()
            .unwrap();
        assert_eq!(event.name(), "chat:typing");
        assert_eq!(
            ChatTyping::pick(&event).map(|t| t.order_id),
            Some(OrderId(3))
        );
        assert!(LocationUpdate::pick(&event).is_none());
        assert!(Event::decode("order:created", typing).unwrap().is_err());
        assert!(Event::decode("order:eaten", serde_json::json!({})).is_none());
    }
}
