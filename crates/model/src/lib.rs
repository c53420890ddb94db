//! Plain data shared by the server and the browser: roles, users,
//! restaurants, menus, orders and the lifecycle, parsed input, time. No I/O.

/// Delivery addresses: written, pinned, the last three kept.
pub mod address;
pub mod admin;
mod auth;
pub mod cart;
pub mod chat;
pub mod dispute;
mod driver;
pub mod error;
/// The realtime contract: event names and payloads, server to browser.
pub mod events;
pub mod geo;
/// Id newtypes: an order's id is not a user's.
pub mod ids;
/// Paged, searchable lists: search text, page size, query strings.
pub mod list_query;
pub mod notification;
mod order;
/// Which orders a list holds: filters, search, pages.
pub mod order_query;
/// Who may open which page.
pub mod pages;
/// Socket requests and their answers.
pub mod requests;
mod restaurant;
/// Room names: who hears which event.
pub mod rooms;
/// Optional free text: trimmed, blank as none, bounded.
pub mod text;
pub mod time;
mod user;
/// Counted nouns ("1 driver", "2 drivers").
pub mod words;

pub use auth::{Email, Name, Password};
pub use driver::{driver_pay_cents, Delivered, DriverHome, RECENT_HOURS};
pub use ids::{
    DisputeId, EventId, MenuItemId, MessageId, NotificationId, OrderId, RestaurantId, UserId,
};
pub use order::{
    check_step, next_steps, who_may, CheckoutInput, CheckoutLine, HistoryEntry, Order, OrderLine,
    OrderStatus, OrderSummary, Party, Place, StepRefused,
};
pub use restaurant::{
    euros_text, format_cents, parse_euros, MenuItem, Restaurant, RestaurantWithMenu,
};
pub use user::{DemoAccount, Role, User, DEMO_PASSWORD};

/// A flat delivery fee, in cents.
pub const DELIVERY_FEE_CENTS: i64 = 249;

/// The most of one item a single order may hold.
pub const MAX_QUANTITY: i64 = 50;
