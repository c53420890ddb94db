//! One type per kind of id, so an order's id cannot be passed where a
//! user's is expected. On the wire (JSON, SQL) each is the bare number it
//! wraps; only Rust sees the difference.

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($( $(#[$doc:meta])* $name:ident, )*) => {
        $(
            $(#[$doc])*
            #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::Type))]
            #[cfg_attr(feature = "ssr", sqlx(transparent))]
            #[derive(
                Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            )]
            #[serde(transparent)]
            pub struct $name(pub i64);

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }

            /// A route parameter: `"12".parse::<OrderId>()`.
            impl std::str::FromStr for $name {
                type Err = std::num::ParseIntError;

                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    s.parse().map($name)
                }
            }

            impl From<$name> for i64 {
                fn from(id: $name) -> i64 {
                    id.0
                }
            }
        )*
    };
}

ids! {
    /// An order's id.
    OrderId,
    /// A user's id: a customer, a restaurant's staff member, a driver or an admin.
    UserId,
    /// A restaurant's id.
    RestaurantId,
    /// A menu item's id.
    MenuItemId,
    /// A dispute's id.
    DisputeId,
    /// A notification's id.
    NotificationId,
    /// A chat message's id (grows within an order's chat).
    MessageId,
    /// An event's id in the log: grows, never reused.
    EventId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_number_on_the_wire_and_in_text() {
        let id: OrderId = "12".parse().unwrap();
        assert_eq!(id, OrderId(12));
        assert_eq!(id.to_string(), "12");
        assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(12));
        assert_eq!(serde_json::from_str::<UserId>("7").unwrap(), UserId(7));
        assert!(serde_json::from_str::<UserId>("\"7\"").is_err());
        assert!("abc".parse::<OrderId>().is_err());
        assert_eq!(i64::from(MenuItemId(3)), 3);
    }
}
