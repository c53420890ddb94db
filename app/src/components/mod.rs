//! Pieces shared by the pages of every role.

pub mod connection;
pub mod header;
pub mod session;
