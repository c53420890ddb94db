//! What a user was told, kept so a bell can show it later.

use serde::{Deserialize, Serialize};

use crate::{NotificationId, OrderId};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: NotificationId,
    /// The event it came from: `order:status_changed`, `system:announcement`…
    pub kind: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub order_id: Option<OrderId>,
    pub at: String,
    pub read: bool,
}

/// `GET /api/notifications`: the newest first, and how many are unread.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// `POST /api/notifications/read`: some (`ids`) or every one (`all`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<NotificationId>,
    #[serde(default)]
    pub all: bool,
}

/// `notification:new`, to the user's sockets: the notification and the new unread count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationNew {
    pub notification: Notification,
    pub unread: i64,
}
