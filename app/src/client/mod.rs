//! Browser-only code: the binding to the official socket.io-client (loaded
//! from /vendor/socket.io.min.js as the global `io`) and its signals.

pub mod geo;
pub mod socket;
