//! Integration tests: each starts the real server on port 0 with a fresh
//! database (SQLite file, or a new PostgreSQL database) and talks to it
//! over HTTP and real Socket.IO clients.

mod abuse;
mod auth;
mod board;
mod chat;
mod checkout_batches;
mod cluster;
mod coalesce;
mod declines;
mod disputes;
mod drivers;
mod faults;
mod health;
mod helpers;
mod limits;
mod loadtest;
mod lock_order;
mod log_ids;
mod menus;
mod moderation;
mod nodes;
mod nodes_limits;
mod notifications;
mod nul_text;
mod openapi;
mod order_lists;
mod ordering;
mod orders;
mod orders_races;
mod realtime;
mod replay_cap;
mod replay_shared;
mod retention;
mod security;
mod server_fns;
mod slow_socket;
mod step_batches;
mod stream;
