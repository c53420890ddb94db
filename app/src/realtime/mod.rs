//! The realtime contract shared by the server and the browser: event names
//! and payloads (`events`), room names (`rooms`), and, on the server only,
//! the one emitter that sends events to rooms (`emit`).

pub mod events;
pub mod rooms;

#[cfg(feature = "ssr")]
pub mod emit;
