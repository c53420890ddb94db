//! Who a socket is. The handshake's session cookie decides: no valid
//! session, or a suspended user, and the socket is refused with
//! `connect_error` "unauthorized". A socket never chooses its user or rooms.

use app::model::User;
use app::realtime::events::{HandshakeAuth, Hello, HelloUser, HELLO};
use app::realtime::rooms::Room;
use app::service::{self, Ctx};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{MaybeHttpExtension, SocketRef, State, TryData};
use socketioxide::SocketIo;

use super::limits::UserSockets;
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
pub async fn authenticate<A: Adapter>(
    s: SocketRef<A>,
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
    let mut rooms = service::events::rooms_of(user);
    rooms.push(Room::session(session_key));
    rooms
}

/// Joins the socket to its rooms, replays what it missed since the
/// handshake's `lastEventId` (in order), then says `hello`. Rooms are joined
/// before the replay is read, so an event committed meanwhile arrives live
/// or in the replay, maybe both: the client drops duplicates by id.
pub async fn on_connect<A: Adapter>(
    s: SocketRef<A>,
    io: SocketIo<A>,
    TryData(auth): TryData<HandshakeAuth>,
    State(ctx): State<Ctx>,
    State(user_sockets): State<UserSockets>,
) {
    let Some(SocketUser { user, session_key }) = s.extensions.get::<SocketUser>() else {
        // Unreachable: the middleware sets it or refuses the socket.
        let _ = s.disconnect();
        return;
    };
    let rooms = rooms_for(&user, &session_key);
    s.join(rooms.clone());
    // A suspension committed between the handshake check and the join
    // would have missed this socket: look again now that it is in user:{id}.
    if matches!(
        service::auth::is_suspended(&ctx, user.id).await,
        Ok(true) | Err(_)
    ) {
        let _ = s.emit(
            app::realtime::events::SESSION_REVOKED,
            &app::realtime::events::SessionRevoked {
                reason: "suspended".into(),
            },
        );
        let _ = s.disconnect();
        return;
    }
    user_sockets.admit(&io, &s, user.id);
    let role = user.role.as_str();
    service::metrics::socket(role, 1.0);
    let user_id = user.id;
    s.on_disconnect(move |s: SocketRef<A>| async move {
        user_sockets.remove(user_id, s.id);
        service::metrics::socket(role, -1.0);
    });
    s.on("order:watch", super::orders::on_watch::<A>);
    s.on("order:unwatch", super::orders::on_unwatch::<A>);
    s.on("driver:availability", super::driver::on_availability::<A>);
    s.on("driver:location", super::driver::on_location::<A>);
    s.on("chat:send", super::chat::on_send::<A>);
    s.on("chat:typing", super::chat::on_typing::<A>);
    s.on("chat:read", super::chat::on_read::<A>);
    let mut last_event_id = match service::events::latest_id(&ctx).await {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = %e, "socket dropped: event log unreadable");
            let _ = s.disconnect();
            return;
        }
    };
    if let Some(after) = auth.ok().and_then(|a| a.last_event_id) {
        match service::events::missed(&ctx, &user, after, service::events::MAX_REPLAY).await {
            Ok(missed) => {
                let truncated = missed.len() as i64 >= service::events::MAX_REPLAY;
                service::metrics::replayed(missed.len());
                for event in &missed {
                    if let Err(e) = s.emit(event.kind.as_str(), &event.wire) {
                        tracing::warn!(error = %e, "replay interrupted");
                        return;
                    }
                }
                // A capped replay resumes from its last event on the next connect.
                if let (true, Some(last)) = (truncated, missed.last()) {
                    last_event_id = last.id;
                }
                tracing::debug!(
                    user_id = user.id,
                    replayed = missed.len(),
                    after,
                    "replayed missed events"
                );
            }
            Err(e) => tracing::warn!(error = %e, "replay failed; the client can fetch /api/events"),
        }
    }
    let hello = Hello {
        user: HelloUser {
            id: user.id,
            name: user.name.clone(),
            role: user.role,
        },
        rooms,
        last_event_id,
    };
    if let Err(e) = s.emit(HELLO, &hello) {
        tracing::warn!(error = %e, "could not send hello");
    }
    tracing::debug!(user_id = user.id, socket = %s.id, "socket connected");
}
