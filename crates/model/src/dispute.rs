//! Disputes: a customer's complaint about a delivered order, and how an
//! admin settles it.

use serde::{Deserialize, Serialize};

use super::{DisputeId, OrderId, Party};

/// A dispute may be opened this long after delivery.
pub const OPEN_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1000;
pub const MAX_DETAILS_CHARS: usize = 2000;
pub const MAX_NOTE_CHARS: usize = 1000;

pub const REASONS: [(&str, &str); 5] = [
    ("missing_item", "Missing item"),
    ("wrong_item", "Wrong item"),
    ("late", "Late"),
    ("damaged", "Damaged"),
    ("other", "Other"),
];

pub const RESOLUTIONS: [(&str, &str); 3] = [
    ("full_refund", "Full refund"),
    ("partial_refund", "Partial refund"),
    ("rejected", "Rejected"),
];

pub fn reason_label(code: &str) -> &'static str {
    REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("Other")
}

pub fn resolution_label(code: &str) -> &'static str {
    RESOLUTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("Resolved")
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dispute {
    pub id: DisputeId,
    pub order_id: OrderId,
    pub restaurant_name: String,
    pub order_total_cents: i64,
    pub customer: Party,
    /// `missing_item`, `wrong_item`, `late`, `damaged` or `other`.
    pub reason: String,
    pub details: String,
    /// `open` or `resolved`.
    pub status: String,
    /// `full_refund`, `partial_refund` or `rejected`, once resolved.
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub refund_cents: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub resolved_by: Option<Party>,
    pub created_at: String,
    #[serde(default)]
    pub resolved_at: Option<String>,
}

/// `POST /api/orders/{id}/dispute`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenDispute {
    pub reason: String,
    #[serde(default)]
    pub details: String,
}

/// `POST /api/disputes/{id}/resolve`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolveDispute {
    pub resolution: String,
    #[serde(default)]
    pub refund_cents: Option<i64>,
    pub note: String,
}
