//! Plain data shared by the server and the browser: roles, users,
//! restaurants, menus, and the parsed input types. No I/O here.

mod auth;
mod restaurant;
mod user;

pub use auth::{Email, Name, Password};
pub use restaurant::{format_cents, MenuItem, Restaurant, RestaurantWithMenu};
pub use user::{Role, User};
