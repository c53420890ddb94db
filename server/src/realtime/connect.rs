//! Who a socket is. The handshake's session cookie decides: no valid
//! session, or a suspended user, and the socket is refused with
//! `connect_error` "unauthorized". A socket never chooses its user or rooms.

use app::model::{Role, User};
use app::realtime::events::{HandshakeAuth, Hello, HelloUser, HELLO};
use app::realtime::rooms::Room;
use app::service::{self, Ctx};
use socketioxide::extract::{MaybeHttpExtension, SocketRef, State, TryData};
use tower_sessions::Session;

/// Set on the socket by [`authenticate`]; every handler reads it.
#[derive(Clone, Debug)]
pub struct SocketUser {
    pub user: User,
    pub session_key: String,
}

#[derive(Debug)]
pub struct Unauthorized;

impl std::fmt::Display for Unauthorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unauthorized")
    }
}

/// Connect middleware: runs before the socket joins the namespace.
pub async fn authenticate(
    s: SocketRef,
    MaybeHttpExtension(session): MaybeHttpExtension<Session>,
    State(ctx): State<Ctx>,
) -> Result<(), Unauthorized> {
    let session = session.ok_or(Unauthorized)?;
    let user = match service::auth::current_user(&ctx, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err(Unauthorized),
        Err(e) => {
            tracing::warn!(error = %e, "socket refused: session lookup failed");
            return Err(Unauthorized);
        }
    };
    let session_key = service::auth::session_key(&session).ok_or(Unauthorized)?;
    s.extensions.insert(SocketUser { user, session_key });
    Ok(())
}

/// The rooms the server puts a socket in, from its user and session.
pub fn rooms_for(user: &User, session_key: &str) -> Vec<String> {
    let mut rooms = vec![Room::user(user.id), Room::role(user.role), Room::session(session_key)];
    if let (Role::Restaurant, Some(restaurant_id)) = (user.role, user.restaurant_id) {
        rooms.push(Room::restaurant(restaurant_id));
    }
    rooms
}

pub async fn on_connect(s: SocketRef, TryData(auth): TryData<HandshakeAuth>) {
    let Some(SocketUser { user, session_key }) = s.extensions.get::<SocketUser>() else {
        // Unreachable: the middleware sets it or refuses the socket.
        let _ = s.disconnect();
        return;
    };
    let rooms = rooms_for(&user, &session_key);
    s.join(rooms.clone());
    let hello = Hello {
        user: HelloUser { id: user.id, name: user.name.clone(), role: user.role },
        rooms,
        last_event_id: auth.ok().and_then(|a| a.last_event_id).unwrap_or(0).max(0),
    };
    if let Err(e) = s.emit(HELLO, &hello) {
        tracing::warn!(error = %e, "could not send hello");
    }
    tracing::debug!(user_id = user.id, socket = %s.id, "socket connected");
}
