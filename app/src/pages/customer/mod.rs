//! The customer's pages: restaurants and their menus.

mod menu;
mod restaurants;

pub use menu::Menu;
pub use restaurants::Restaurants;
