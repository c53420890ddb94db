use serde::{Deserialize, Serialize};

use crate::{RestaurantId, UserId};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Restaurant,
    Driver,
    Admin,
}

/// Read from a database column (`sqlx(try_from = "String")`).
impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(s: String) -> Result<Role, String> {
        Role::parse(&s).ok_or_else(|| format!("unknown Role {s:?}"))
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Customer, Role::Restaurant, Role::Driver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Restaurant => "restaurant",
            Role::Driver => "driver",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Where a signed-in user of this role lands.
    pub fn home(self) -> &'static str {
        match self {
            Role::Customer => "/restaurants",
            Role::Restaurant => "/board",
            Role::Driver => "/driver",
            Role::Admin => "/admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Restaurant => "Restaurant staff",
            Role::Driver => "Driver",
            Role::Admin => "Admin",
        }
    }
}

/// A user as the API shows it. The password hash never leaves the store.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The restaurant a staff member works for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub restaurant_id: Option<RestaurantId>,
    #[serde(default)]
    pub suspended: bool,
}

/// The password of every demo account (and of load-test accounts).
pub const DEMO_PASSWORD: &str = "mealstream";

/// A demo account as the sign-in page lists it (password `mealstream`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
}
