//! What a driver's screen is built from.

use serde::{Deserialize, Serialize};

use super::{Order, OrderId};
use crate::events::DeliveryOffer;

/// What a driver's screen starts from: online or not, the delivery they
/// are on, the offers open to them, and what they delivered lately.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverHome {
    pub online: bool,
    pub active: Option<Order>,
    /// What the active delivery pays.
    #[serde(default)]
    pub active_pay_cents: Option<i64>,
    pub offers: Vec<DeliveryOffer>,
    /// Deliveries of the last [`RECENT_HOURS`] hours, newest first: the
    /// screen sums the ones of the driver's own day.
    #[serde(default)]
    pub delivered: Vec<Delivered>,
}

/// How far back [`DriverHome::delivered`] reaches: a whole day in any time zone.
pub const RECENT_HOURS: i64 = 36;

/// One delivery a driver made.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivered {
    pub order_id: OrderId,
    pub restaurant_name: String,
    /// RFC 3339, UTC.
    pub delivered_at: String,
    pub pay_cents: i64,
}

/// A driver's pay for a delivery: a base for the pickup and the hand-over,
/// and a rate per kilometre from the restaurant to the customer (rounded
/// to the cent).
pub const PAY_BASE_CENTS: i64 = 300;
pub const PAY_PER_KM_CENTS: i64 = 120;

pub fn driver_pay_cents(distance_m: i64) -> i64 {
    PAY_BASE_CENTS + (distance_m.max(0) * PAY_PER_KM_CENTS + 500) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_is_a_base_and_a_rate_per_kilometre() {
        assert_eq!(driver_pay_cents(0), 300);
        assert_eq!(driver_pay_cents(1000), 420);
        assert_eq!(driver_pay_cents(2500), 600);
        assert_eq!(driver_pay_cents(-5), 300, "never below the base");
    }
}
