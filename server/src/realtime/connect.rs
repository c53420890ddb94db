//! Who a socket is. The handshake's session cookie decides: no valid
//! session, or a suspended user, and the socket is refused with
//! `connect_error` "unauthorized". A socket never chooses its user or rooms.

use mealstream_core::emit::Stalled;
use mealstream_core::service::{self, Ctx};
use model::error::AppError;
use model::events::{HandshakeAuth, Hello, HelloUser, Payload, SessionRevoked};
use model::requests::{
    Availability, LocationReport, ReadChat, Request, SendChat, Typing, UnwatchMenu, UnwatchOrder,
    WatchMenu, WatchOrder,
};
use model::rooms::Room;
use model::{EventId, User};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{Event, MaybeHttpExtension, SocketRef, State, TryData};
use socketioxide::socket::Sid;
use socketioxide::{SendError, SocketError, SocketIo};

use super::call::Call;
use super::socket_user::SocketUser;
use super::user_sockets::UserSockets;
use crate::sessions::Sessions;
use tower_sessions::Session;

/// Why a handshake is refused; the client reads the `connect_error`
/// message: "unauthorized" sends it to sign in, the others retry later.
#[derive(Debug)]
pub enum Refused {
    Unauthorized,
    /// Too many reconnects with replay for this user this minute.
    RateLimited,
    /// The database or Redis did not answer.
    Unavailable,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::Unauthorized => "unauthorized",
            Refused::RateLimited => "rate_limited",
            Refused::Unavailable => "unavailable",
        })
    }
}

fn refused(e: AppError) -> Refused {
    match e {
        AppError::RateLimited { .. } => Refused::RateLimited,
        AppError::Unauthenticated | AppError::Suspended | AppError::Forbidden => {
            Refused::Unauthorized
        }
        e => {
            tracing::warn!(error = %e, "socket refused: session or limits unreadable");
            Refused::Unavailable
        }
    }
}

/// Connect middleware: runs before the socket joins the namespace. A
/// handshake that asks for a replay (`lastEventId`) counts against the
/// user's replays per minute: each one reads the log.
pub async fn authenticate<A: Adapter>(
    s: SocketRef<A>,
    MaybeHttpExtension(session): MaybeHttpExtension<Session>,
    TryData(auth): TryData<HandshakeAuth>,
    State(ctx): State<Ctx>,
) -> Result<(), Refused> {
    let session = session.ok_or(Refused::Unauthorized)?;
    let user = service::auth::current_user(&ctx, &session)
        .await
        .map_err(refused)?
        .ok_or(Refused::Unauthorized)?;
    let session_id = session.id().ok_or(Refused::Unauthorized)?;
    let epoch = service::auth::session_epoch(&session)
        .await
        .map_err(refused)?;
    if auth.ok().and_then(|a| a.last_event_id).is_some() {
        ctx.limits
            .replays_per_user
            .check(&user.id.to_string(), "too many reconnects")
            .await
            .map_err(refused)?;
    }
    s.extensions.insert(SocketUser {
        user,
        session_id,
        epoch,
        expires_at: session.expiry_date(),
    });
    Ok(())
}

/// The rooms the server puts a socket in, from its user and session.
pub fn rooms_for(user: &User, session_key: &str) -> Vec<String> {
    let mut rooms = service::events::rooms_of(user);
    rooms.push(Room::session(session_key));
    rooms
}

/// Joins the socket to its rooms, replays what it missed since the
/// handshake's `lastEventId` (in order, see [`catch_up`]), then says `hello`.
pub async fn on_connect<A: Adapter>(
    s: SocketRef<A>,
    io: SocketIo<A>,
    TryData(auth): TryData<HandshakeAuth>,
    State(ctx): State<Ctx>,
    State(user_sockets): State<UserSockets>,
    State(sessions): State<Sessions>,
) {
    let Some(SocketUser {
        user, session_id, ..
    }) = s.extensions.get::<SocketUser>()
    else {
        // Unreachable: the middleware sets it or refuses the socket.
        let _ = s.disconnect();
        return;
    };
    let rooms = rooms_for(&user, &service::auth::key_of(&session_id));
    // In its rooms at once (a sign-out or suspension reaches it from now
    // on), but catching up: the log tail skips it until its replay is done.
    // `CATCHING_UP` first: the tail emits concurrently, and a socket
    // already in its rooms but not yet in `CATCHING_UP` could get a live
    // event ahead of the replay, which then sends it older ones it missed.
    s.join(Room::CATCHING_UP);
    s.join(rooms.clone());
    if let Some(reason) = lapsed_since_handshake(&ctx, &sessions, &user, session_id).await {
        let _ = s.emit(
            SessionRevoked::NAME,
            &model::events::SessionRevoked {
                reason: reason.into(),
            },
        );
        let _ = s.disconnect();
        return;
    }
    user_sockets.admit(&io, &s, user.id).await;
    let role = user.role.as_str();
    service::metrics::socket(role, 1.0);
    let user_id = user.id;
    s.on_disconnect(move |s: SocketRef<A>| async move {
        user_sockets.remove(user_id, s.id).await;
        service::metrics::socket(role, -1.0);
    });
    s.on_fallback(on_request::<A>);
    let after = auth.ok().and_then(|a| a.last_event_id);
    // `hello` goes out while the emission turn is still held, so no live
    // event reaches the socket before it.
    let CaughtUp {
        last_event_id,
        resync,
        turn,
    } = match catch_up(&s, &ctx, &user, after).await {
        Ok(caught_up) => caught_up,
        Err(e) => {
            tracing::warn!(error = %e, "socket dropped: event log unreadable");
            let _ = s.disconnect();
            return;
        }
    };
    say_hello(
        &s,
        &user,
        rooms,
        CaughtUp {
            last_event_id,
            resync,
            turn,
        },
    );
    tracing::debug!(user_id = user.id.0, socket = %s.id, "socket connected");
}

/// Says `hello` to a socket caught up by [`catch_up`], while the emission
/// turn is still held, so no live event reaches it first.
fn say_hello<A: Adapter>(s: &SocketRef<A>, user: &User, rooms: Vec<String>, caught: CaughtUp<'_>) {
    let hello = Hello {
        user: HelloUser {
            id: user.id,
            name: user.name.clone(),
            role: user.role,
        },
        rooms,
        last_event_id: caught.last_event_id,
        resync: caught.resync,
    };
    if let Err(e) = s.emit(Hello::NAME, &hello) {
        tracing::warn!(error = %e, "could not send hello");
    }
    drop(caught.turn);
}

/// How this node catches up a socket the log tail held out because its
/// buffer was full (`Emitter::on_stalled`).
pub fn on_stalled<A: Adapter>(io: SocketIo<A>, ctx: Ctx) -> Stalled {
    Box::new(move |sid, missed| {
        tokio::spawn(resume(io.clone(), ctx.clone(), sid, missed));
    })
}

/// The replay of a connect, for a socket that is still connected but
/// could not take event `missed` (a stalled link): from `missed` on, then
/// `hello` again. Its buffer drains as the link comes back, and the replay
/// waits for it; a socket gone meanwhile is left.
async fn resume<A: Adapter>(io: SocketIo<A>, ctx: Ctx, sid: Sid, missed: EventId) {
    let Some(s) = io.get_socket(sid) else { return };
    let Some(SocketUser {
        user, session_id, ..
    }) = s.extensions.get::<SocketUser>()
    else {
        return;
    };
    let rooms = rooms_for(&user, &service::auth::key_of(&session_id));
    while s.connected() {
        match catch_up(&s, &ctx, &user, Some(EventId(missed.0 - 1))).await {
            Ok(caught) => {
                say_hello(&s, &user, rooms, caught);
                return;
            }
            Err(e) => {
                tracing::debug!(error = %e, socket = %sid, "catching up a stalled socket; again");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

/// Why the socket must not stay, if a revoke sent between its handshake
/// and its join missed it: its user was suspended, or its session was
/// signed out or signed in over (both delete the stored session before
/// they send the revoke). Now that the socket is in `user:{id}` and
/// `session:{key}`, any later revoke reaches it. Unreadable counts as
/// lapsed, as the suspension check always did: no rights on a guess.
async fn lapsed_since_handshake(
    ctx: &Ctx,
    sessions: &Sessions,
    user: &User,
    session_id: tower_sessions::session::Id,
) -> Option<&'static str> {
    let (suspended, held) = tokio::join!(
        service::auth::is_suspended(ctx, user.id),
        sessions.holds(Some(session_id))
    );
    match (suspended, held) {
        (Ok(true) | Err(_), _) => Some("suspended"),
        (_, Ok(false) | Err(_)) => Some("signed out"),
        (Ok(false), Ok(true)) => None,
    }
}

/// Every client request, routed by its name. One handler for the socket
/// rather than a table of one per request, which every open socket kept
/// (and built at each connect); a name no handler knows gets an error ack.
async fn on_request<A: Adapter>(Event(name): Event, call: Call<A>) {
    use super::{chat, driver, menu, orders};
    match name.as_str() {
        n if n == WatchOrder::NAME => orders::on_watch(call).await,
        n if n == UnwatchOrder::NAME => orders::on_unwatch(call).await,
        n if n == WatchMenu::NAME => menu::on_watch(call).await,
        n if n == UnwatchMenu::NAME => menu::on_unwatch(call).await,
        n if n == Availability::NAME => driver::on_availability(call).await,
        n if n == LocationReport::NAME => driver::on_location(call).await,
        n if n == SendChat::NAME => chat::on_send(call).await,
        n if n == Typing::NAME => chat::on_typing(call).await,
        n if n == ReadChat::NAME => chat::on_read(call).await,
        unknown => call.unknown(unknown),
    }
}

/// Most events one connection replays. A socket still behind the tail
/// past it goes live anyway with `hello.resync`: the events between its
/// replay and the tail's cursor were neither replayed nor sent live, so
/// the page must fetch its state again.
const MAX_CATCH_UP: usize = 10 * service::events::MAX_REPLAY as usize;

/// Where a replay left the socket: the id it is caught up to
/// (`hello.lastEventId`), whether retention removed events it asked for
/// (`hello.resync`, from the first read's snapshot), and the emission
/// turn, still held.
struct CaughtUp<'c> {
    last_event_id: EventId,
    resync: bool,
    turn: tokio::sync::MutexGuard<'c, ()>,
}

/// Replays what the socket missed after `after`, in id order, then lets the
/// log tail's live events through. The tail skips sockets in
/// `CATCHING_UP`; under the emission turn, once the replay has read
/// everything up to the tail's cursor, the socket leaves that room, so
/// every later event comes live and after the replay: a client never
/// receives an id lower than one it already has, except as a duplicate it
/// drops.
async fn catch_up<'c, A: Adapter>(
    s: &SocketRef<A>,
    ctx: &'c Ctx,
    user: &User,
    after: Option<EventId>,
) -> Result<CaughtUp<'c>, AppError> {
    let Some(mut last) = after.map(|a| a.max(EventId(0))) else {
        // Nothing to replay: live from the cursor on.
        let turn = ctx.emitter.turn().await;
        s.leave(Room::CATCHING_UP);
        return Ok(CaughtUp {
            last_event_id: ctx.emitter.cursor(),
            resync: false,
            turn,
        });
    };
    let mut replayed = 0;
    // Whether the log still held what the socket asked for: the first
    // read's answer (later reads start from a horizon, not from `after`).
    let mut pruned_away = None;
    loop {
        let read =
            service::events::read_towards(ctx, user, last, service::events::MAX_REPLAY).await?;
        let pruned = *pruned_away.get_or_insert(last < read.pruned_through);
        for event in read.events.iter() {
            replay(s, event).await?;
        }
        replayed += read.events.len();
        let turn = ctx.emitter.turn().await;
        let caught_up = ctx.emitter.cursor() <= read.horizon;
        if caught_up || replayed >= MAX_CATCH_UP {
            let resync = pruned || !caught_up;
            s.leave(Room::CATCHING_UP);
            service::metrics::replayed(replayed);
            tracing::debug!(
                user_id = user.id.0,
                replayed,
                after = after.map(|a| a.0),
                "replayed missed events"
            );
            return Ok(CaughtUp {
                // Past the cap, what lies up to the cursor comes by resync.
                last_event_id: read.horizon.max(ctx.emitter.cursor()),
                resync,
                turn,
            });
        }
        drop(turn);
        // The tail emitted more meanwhile (skipping this socket): read on.
        last = read.horizon;
    }
}

/// How long a replay waits for room in a socket's buffer before it looks
/// again, and how long it waits in all for one event.
const BUFFER_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);
const BUFFER_STALL: std::time::Duration = std::time::Duration::from_secs(10);

/// Sends one replayed event. A replay can be longer than the socket's
/// buffer holds (thousands of events after a long absence): while it is
/// full, the replay waits for the link to take what it has, rather than
/// dropping the socket; one that takes nothing for `BUFFER_STALL` is
/// given up, and comes back from its last id.
async fn replay<A: Adapter>(
    s: &SocketRef<A>,
    event: &service::events::LoggedEvent,
) -> Result<(), AppError> {
    let mut waited = std::time::Duration::ZERO;
    loop {
        match s.emit(event.kind.as_str(), &event.wire) {
            Ok(()) => return Ok(()),
            Err(SendError::Socket(SocketError::InternalChannelFull)) if waited < BUFFER_STALL => {
                tokio::time::sleep(BUFFER_PAUSE).await;
                waited += BUFFER_PAUSE;
            }
            Err(e) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "replay interrupted: {e}"
                )))
            }
        }
    }
}
