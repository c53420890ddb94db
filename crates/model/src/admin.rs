//! What admins see and send: live figures, users, announcements.

use serde::{Deserialize, Serialize};

use super::{OrderStatus, Role, UserId};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleCount {
    pub role: Role,
    pub count: i64,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: i64,
}

/// Live figures for the operations page (`GET /api/admin/stats`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// Connected sockets by role, on every node.
    pub sockets_by_role: Vec<RoleCount>,
    pub online_drivers: i64,
    pub active_orders: i64,
    pub active_orders_by_status: Vec<StatusCount>,
    pub open_disputes: i64,
    /// Logged events in the last 60 seconds.
    pub events_last_minute: i64,
    pub users_by_role: Vec<RoleCount>,
    pub restaurants: i64,
}

/// A user as the admin's users page lists them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub suspended: bool,
}

/// `POST /api/admin/announcements`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Announce {
    pub message: String,
    /// `everyone`, or one role: `customer`, `restaurant`, `driver`, `admin`.
    pub audience: String,
}

/// `system:announcement`, as sockets get it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    pub message: String,
    pub audience: String,
    pub from: String,
    pub recipients: i64,
}

pub const MAX_ANNOUNCEMENT_CHARS: usize = 500;
