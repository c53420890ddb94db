//! Orders as the API shows them, and the lifecycle: which status may follow
//! which, and who may make each step. Shared so the UI offers only the
//! buttons the server will accept.

use serde::{Deserialize, Serialize};

use super::{MenuItemId, OrderId, RestaurantId, Role, UserId};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Confirmed,
    Preparing,
    Ready,
    OutForDelivery,
    Delivered,
    Rejected,
    Cancelled,
}

/// Read from a database column (`sqlx(try_from = "String")`).
impl TryFrom<String> for OrderStatus {
    type Error = String;

    fn try_from(s: String) -> Result<OrderStatus, String> {
        OrderStatus::parse(&s).ok_or_else(|| format!("unknown OrderStatus {s:?}"))
    }
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::Placed,
        OrderStatus::Confirmed,
        OrderStatus::Preparing,
        OrderStatus::Ready,
        OrderStatus::OutForDelivery,
        OrderStatus::Delivered,
        OrderStatus::Rejected,
        OrderStatus::Cancelled,
    ];

    /// The happy path, in order: what a timeline shows.
    pub const PATH: [OrderStatus; 6] = [
        OrderStatus::Placed,
        OrderStatus::Confirmed,
        OrderStatus::Preparing,
        OrderStatus::Ready,
        OrderStatus::OutForDelivery,
        OrderStatus::Delivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Preparing => "preparing",
            OrderStatus::Ready => "ready",
            OrderStatus::OutForDelivery => "out_for_delivery",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Placed => "Placed",
            OrderStatus::Confirmed => "Confirmed",
            OrderStatus::Preparing => "Preparing",
            OrderStatus::Ready => "Ready for pickup",
            OrderStatus::OutForDelivery => "Out for delivery",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Rejected => "Rejected",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    /// What a customer reads in a toast when the order reaches this status.
    pub fn customer_message(self) -> &'static str {
        match self {
            OrderStatus::Placed => "Your order was placed",
            OrderStatus::Confirmed => "The restaurant confirmed your order",
            OrderStatus::Preparing => "Your meal is being prepared",
            OrderStatus::Ready => "Your meal is ready for pickup",
            OrderStatus::OutForDelivery => "Your order is on its way",
            OrderStatus::Delivered => "Your order was delivered. Enjoy!",
            OrderStatus::Rejected => "The restaurant could not take your order",
            OrderStatus::Cancelled => "Your order was cancelled",
        }
    }

    /// Waiting for a driver: confirmed by the restaurant, not picked up yet.
    pub fn awaits_driver(self) -> bool {
        matches!(
            self,
            OrderStatus::Confirmed | OrderStatus::Preparing | OrderStatus::Ready
        )
    }

    /// A driver assigned to an order in this status is on a delivery.
    pub fn holds_driver(self) -> bool {
        self.awaits_driver() || self == OrderStatus::OutForDelivery
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Delivered | OrderStatus::Rejected | OrderStatus::Cancelled
        )
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRefused {
    /// The lifecycle has no such step from the current status (409).
    Illegal,
    /// The step exists, but this role may not make it (403).
    NotYourStep,
}

/// The roles that may move an order from `from` to `to`, or `None` when the
/// lifecycle has no such step.
pub fn who_may(from: OrderStatus, to: OrderStatus) -> Option<&'static [Role]> {
    use OrderStatus::*;
    Some(match (from, to) {
        (Placed, Confirmed) | (Placed, Rejected) => &[Role::Restaurant],
        (Confirmed, Preparing) | (Preparing, Ready) => &[Role::Restaurant],
        (Placed, Cancelled) => &[Role::Customer, Role::Restaurant, Role::Admin],
        (Confirmed | Preparing | Ready, Cancelled) => &[Role::Restaurant, Role::Admin],
        (Ready, OutForDelivery) | (OutForDelivery, Delivered) => &[Role::Driver],
        _ => return None,
    })
}

/// Whether `role` (already known to take part in the order) may move it
/// from `from` to `to`.
pub fn check_step(role: Role, from: OrderStatus, to: OrderStatus) -> Result<(), StepRefused> {
    match who_may(from, to) {
        None => Err(StepRefused::Illegal),
        Some(roles) if roles.contains(&role) => Ok(()),
        Some(_) => Err(StepRefused::NotYourStep),
    }
}

/// The steps `role` may take from `from`, for the buttons a screen shows.
pub fn next_steps(role: Role, from: OrderStatus) -> Vec<OrderStatus> {
    OrderStatus::ALL
        .into_iter()
        .filter(|to| check_step(role, from, *to).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    /// Every legal step and who may take it, written out by hand from the
    /// design; everything else must be refused.
    const LEGAL: &[(OrderStatus, OrderStatus, &[Role])] = &[
        (Placed, Confirmed, &[Role::Restaurant]),
        (Placed, Rejected, &[Role::Restaurant]),
        (
            Placed,
            Cancelled,
            &[Role::Customer, Role::Restaurant, Role::Admin],
        ),
        (Confirmed, Preparing, &[Role::Restaurant]),
        (Confirmed, Cancelled, &[Role::Restaurant, Role::Admin]),
        (Preparing, Ready, &[Role::Restaurant]),
        (Preparing, Cancelled, &[Role::Restaurant, Role::Admin]),
        (Ready, OutForDelivery, &[Role::Driver]),
        (Ready, Cancelled, &[Role::Restaurant, Role::Admin]),
        (OutForDelivery, Delivered, &[Role::Driver]),
    ];

    #[test]
    fn every_status_role_and_target_is_decided_as_designed() {
        let mut checked = 0;
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let legal = LEGAL.iter().find(|(f, t, _)| *f == from && *t == to);
                for role in Role::ALL {
                    let expected = match legal {
                        None => Err(StepRefused::Illegal),
                        Some((_, _, roles)) if roles.contains(&role) => Ok(()),
                        Some(_) => Err(StepRefused::NotYourStep),
                    };
                    assert_eq!(
                        check_step(role, from, to),
                        expected,
                        "{role:?}: {from} -> {to}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 8 * 4);
    }

    #[test]
    fn final_statuses_have_no_way_out() {
        for from in [Delivered, Rejected, Cancelled] {
            for role in Role::ALL {
                assert!(next_steps(role, from).is_empty(), "{role:?} from {from}");
            }
        }
    }

    #[test]
    fn a_customer_may_only_cancel_before_confirmation() {
        assert_eq!(next_steps(Role::Customer, Placed), vec![Cancelled]);
        for from in [Confirmed, Preparing, Ready, OutForDelivery] {
            assert!(next_steps(Role::Customer, from).is_empty());
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }
}

/// Someone taking part in an order, as others see them: a person (a user)
/// or, as `Party<RestaurantId>`, the restaurant.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party<Id = UserId> {
    pub id: Id,
    pub name: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    pub address: String,
    pub lat: f64,
    pub lng: f64,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub menu_item_id: MenuItemId,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    pub line_total_cents: i64,
}

/// One step of an order's history: which status, when (RFC 3339), by whom.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub status: OrderStatus,
    pub at: String,
    pub by: Option<Party>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: OrderId,
    pub status: OrderStatus,
    pub customer: Party,
    pub restaurant: Party<RestaurantId>,
    pub pickup: Place,
    pub driver: Option<Party>,
    pub items: Vec<OrderLine>,
    pub subtotal_cents: i64,
    pub delivery_fee_cents: i64,
    pub total_cents: i64,
    pub dropoff: Place,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    pub history: Vec<HistoryEntry>,
    pub created_at: String,
    pub updated_at: String,
    /// Grows by one at every status change.
    pub version: i64,
    /// Where its driver was last seen (not stored: from the live fleet).
    #[serde(default)]
    pub last_location: Option<crate::events::LocationUpdate>,
}

/// An order in a list: enough for a card on a board or a row in a table.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    pub id: OrderId,
    pub status: OrderStatus,
    pub restaurant: Party<RestaurantId>,
    pub customer: Party,
    pub total_cents: i64,
    /// Given back by resolved disputes: the customer paid the total less this.
    #[serde(default)]
    pub refunded_cents: i64,
    pub item_count: i64,
    pub items: String,
    pub dropoff: Place,
    /// The customer's note for the kitchen and the driver.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl OrderSummary {
    /// The card of a full order: "2× Margherita, 1× Tiramisu".
    pub fn of(order: &Order) -> OrderSummary {
        OrderSummary {
            id: order.id,
            status: order.status,
            restaurant: order.restaurant.clone(),
            customer: order.customer.clone(),
            total_cents: order.total_cents,
            // A full order does not carry its disputes: summaries of one
            // are made when it is placed, before any could be opened.
            refunded_cents: 0,
            item_count: order.items.iter().map(|l| l.quantity).sum(),
            items: order
                .items
                .iter()
                .map(|l| format!("{}× {}", l.quantity, l.name))
                .collect::<Vec<_>>()
                .join(", "),
            dropoff: order.dropoff.clone(),
            note: order.note.clone(),
            created_at: order.created_at.clone(),
            updated_at: order.updated_at.clone(),
        }
    }
}

/// A checkout as clients send it (REST body and server function alike).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutInput {
    pub restaurant_id: RestaurantId,
    pub items: Vec<CheckoutLine>,
    pub dropoff: Place,
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutLine {
    pub menu_item_id: MenuItemId,
    pub quantity: i64,
}
