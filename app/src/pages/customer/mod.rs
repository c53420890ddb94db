//! The customer's pages: restaurants, menus with the cart, orders.

mod cart;
mod menu;
mod orders;
mod restaurants;

pub use menu::Menu;
pub use orders::{MyOrders, Tracking};
pub use restaurants::Restaurants;
