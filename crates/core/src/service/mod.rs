//! The domain, shared by server functions and REST handlers alike: each
//! front door parses its input and calls the same function here. Services
//! check who may do what and write through `store` in an `outbox::EventTx`,
//! whose commit hands its events to the log tail (`tail`) that emits them.

pub mod admin;
pub mod auth;
pub mod chat;
pub mod checkout;
pub mod client_addr;
pub mod clock;
pub mod counters;
pub mod ctx;
pub mod demo;
pub mod dispatch;
pub mod disputes;
pub mod driver_home;
pub mod driver_live;
pub mod events;
pub mod fleet;
pub mod metrics;
pub mod moderation;
pub mod notifications;
pub mod order_lists;
pub mod order_steps;
pub mod orders;
pub mod outbox;
pub mod password;
pub mod placing;
pub mod rate_limit;
pub mod replay_cache;
pub mod restaurants;
pub mod retention;
pub mod stream_slots;
pub mod tail;

pub use ctx::Ctx;
