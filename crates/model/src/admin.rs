//! What admins see and send: live figures, users, announcements.

use serde::{Deserialize, Serialize};

use super::{OrderStatus, Role, UserId};
use crate::error::AppError;
use crate::list_query::{self, QueryString};

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

/// The most users one list answers with (and the default).
pub const MAX_USERS: i64 = 500;

/// The users list's filters as an admin sends them; each optional.
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserQuery {
    /// Part of the name or the email, in any case.
    #[serde(default)]
    pub q: Option<String>,
    /// Only this role: `customer`, `restaurant`, `driver` or `admin`.
    #[serde(default)]
    pub role: Option<String>,
    /// Only suspended users (`true`) or only active ones (`false`).
    #[serde(default)]
    pub suspended: Option<bool>,
    /// Only users older than this user id: the next page.
    #[serde(default)]
    pub before: Option<i64>,
    /// How many users at most, 1 to 500 (500 by default).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// A [`UserQuery`] checked.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFilter {
    /// Lower-cased.
    pub search: Option<String>,
    pub role: Option<Role>,
    pub suspended: Option<bool>,
    pub before: Option<UserId>,
    pub limit: i64,
}

impl UserQuery {
    pub fn check(&self) -> Result<UserFilter, AppError> {
        let role = match self.role.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Role::parse(raw).ok_or_else(|| {
                AppError::invalid(
                    "role",
                    format!("{raw:?} is not a role; one of customer, restaurant, driver, admin"),
                )
            })?),
        };
        Ok(UserFilter {
            search: list_query::search_text(self.q.as_deref())?,
            role,
            suspended: self.suspended,
            before: list_query::before(self.before)?.map(UserId),
            limit: list_query::page_size(self.limit, MAX_USERS)?,
        })
    }

    /// The same filters as a URL's query string, blank ones left out.
    pub fn to_query_string(&self) -> String {
        QueryString::default()
            .text("q", self.q.as_deref())
            .text("role", self.role.as_deref())
            .value("suspended", self.suspended)
            .value("before", self.before)
            .value("limit", self.limit)
            .finish()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_query_is_checked_and_written_back() {
        let q = UserQuery {
            q: Some(" Dora@ ".into()),
            role: Some("driver".into()),
            suspended: Some(true),
            ..UserQuery::default()
        };
        let f = q.check().unwrap();
        assert_eq!(f.search.as_deref(), Some("dora@"));
        assert_eq!(
            (f.role, f.suspended, f.limit),
            (Some(Role::Driver), Some(true), MAX_USERS)
        );
        assert_eq!(q.to_query_string(), "?q=Dora%40&role=driver&suspended=true");
        let bad = UserQuery {
            role: Some("chef".into()),
            ..UserQuery::default()
        };
        assert_eq!(
            bad.check().unwrap_err().body().error.field.as_deref(),
            Some("role")
        );
    }
}
