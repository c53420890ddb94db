//! The event catalog: one set of serde types used by the emitter and the
//! browser client alike. All JSON is camelCase.

use serde::{Deserialize, Serialize};

use crate::model::Role;

pub const HELLO: &str = "hello";
pub const SESSION_REVOKED: &str = "session:revoked";

/// The user as a socket sees itself in `hello`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelloUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Sent once a socket is connected (after any replay): who it is, which
/// rooms the server put it in, and the newest event id it has seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hello {
    pub user: HelloUser,
    pub rooms: Vec<String>,
    pub last_event_id: i64,
}

/// Sent to every socket of a session that ends (sign-out, suspension),
/// right before the server disconnects it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRevoked {
    pub reason: String,
}

/// The optional `auth` payload of the Socket.IO handshake.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandshakeAuth {
    #[serde(default)]
    pub last_event_id: Option<i64>,
}
