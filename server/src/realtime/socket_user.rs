//! Who a socket is: set once by the handshake (`connect::authenticate`),
//! read by every handler and by the rights check.

use model::User;

#[derive(Clone, Debug)]
pub struct SocketUser {
    pub user: User,
    pub session_key: String,
    /// What the rights check (`rights.rs`) compares with the stored user.
    pub epoch: i64,
    /// The session's expiry when the socket connected.
    pub expires_at: time::OffsetDateTime,
}
