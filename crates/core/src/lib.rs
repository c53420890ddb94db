//! The server side of Mealstream's domain, below the web app and above the
//! plain data in `model`: the services (`service`, one layer for REST,
//! server functions and socket handlers alike), the store (`store`, all the
//! SQL) and the one emitter that sends logged events to rooms (`emit`).
//! Nothing here knows about pages or HTTP routes.

pub mod emit;
pub mod service;
pub mod store;
