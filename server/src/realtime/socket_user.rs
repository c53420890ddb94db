//! Who a socket is: set once by the handshake (`connect::authenticate`),
//! read by every handler and by the rights check.

use model::User;

#[derive(Clone, Debug)]
pub struct SocketUser {
    pub user: User,
    /// The session it was opened with. The id is the cookie's secret: it
    /// stays in this process and names nothing outside it (the session's
    /// room is named by `auth::key_of`).
    pub session_id: tower_sessions::session::Id,
    /// What the rights check (`rights.rs`) compares with the stored user.
    pub epoch: i64,
    /// The session's expiry when the socket connected.
    pub expires_at: time::OffsetDateTime,
}
