//! Pieces shared by the pages of every role.

pub mod address_picker;
pub mod address_store;
pub mod bell;
pub mod cart_store;
pub mod chat;
pub mod confirm;
pub mod connection;
pub mod delivery_map;
pub mod dispute_box;
pub mod form_error;
pub mod header;
#[cfg(feature = "hydrate")]
pub mod leaflet_kit;
pub mod local_time;
pub mod map;
pub mod notify;
pub mod order_detail;
pub mod pin_map;
pub mod popover;
pub mod saved;
pub mod session;
pub mod table;
pub mod text_field;
pub mod timeline;
pub mod toast;
