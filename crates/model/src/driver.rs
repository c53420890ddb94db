//! What a driver's screen is built from.

use serde::{Deserialize, Serialize};

use super::Order;
use crate::events::DeliveryOffer;

/// What a driver's screen starts from: online or not, the delivery they
/// are on, and the offers open to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverHome {
    pub online: bool,
    pub active: Option<Order>,
    pub offers: Vec<DeliveryOffer>,
}
