//! A socket keeps the rights it connected with only while they hold. Each
//! node re-reads, every `every`, the users behind its own sockets (one read
//! per user) and ends the sockets whose user is gone or suspended, whose
//! role or restaurant changed, whose session epoch moved on (a suspension
//! since), or whose session has expired: `session:revoked`, then a
//! disconnect, as a sign-out does. Privileged requests re-check at once
//! ([`recheck`]).

use model::events::{Payload, SessionRevoked};
use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::join_all;

use mealstream_core::service::{auth, Ctx};
use mealstream_core::store;
use model::error::AppError;
use model::{User, UserId};
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::SocketIo;

use super::socket_user::SocketUser;

pub fn spawn<A: Adapter>(io: SocketIo<A>, ctx: Ctx, every: Duration) {
    tokio::spawn(async move {
        let emitter = ctx.emitter.clone();
        emitter.every(every, || check(&io, &ctx)).await;
    });
}

/// Why a socket must end now, if it must: its rights lapsed, or its
/// session expired.
fn lapsed(had: &SocketUser, now: &Option<(User, i64)>) -> Option<&'static str> {
    auth::lapsed_against(&had.user, had.epoch, now.as_ref())
        .or_else(|| (had.expires_at <= time::OffsetDateTime::now_utc()).then_some("expired"))
}

async fn check<A: Adapter>(io: &SocketIo<A>, ctx: &Ctx) {
    let sockets = io.sockets();
    // Each user once, all at once: the reads go out together
    // (`store::coalesce`), a query per batch rather than per user.
    let mut ids: Vec<UserId> = sockets
        .iter()
        .filter_map(|s| s.extensions.get::<SocketUser>().map(|had| had.user.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let reads = join_all(ids.iter().map(|id| store::users::with_epoch(&ctx.db, *id))).await;
    let users: HashMap<UserId, Option<(User, i64)>> = match ids
        .into_iter()
        .zip(reads)
        .map(|(id, read)| read.map(|now| (id, now)))
        .collect()
    {
        Ok(users) => users,
        // The database is away: keep the sockets, look again later.
        Err(e) => {
            tracing::warn!(error = %e, "socket rights check skipped");
            return;
        }
    };
    for socket in sockets {
        let Some(had) = socket.extensions.get::<SocketUser>() else {
            continue;
        };
        if let Some(reason) = users.get(&had.user.id).and_then(|now| lapsed(&had, now)) {
            end(&socket, reason);
        }
    }
}

/// `session:revoked`, then the disconnect, as a sign-out does.
fn end<A: Adapter>(socket: &SocketRef<A>, reason: &str) {
    tracing::info!(socket = %socket.id, reason, "socket rights lapsed: disconnected");
    let _ = socket.emit(
        SessionRevoked::NAME,
        &SessionRevoked {
            reason: reason.to_owned(),
        },
    );
    let _ = socket.clone().disconnect();
}

/// Called first by the handlers of privileged requests (following an
/// order, sending a message, going online): rights are read again now,
/// not trusted until the next periodic check. A lapsed socket is ended and
/// the request refused.
pub async fn recheck<A: Adapter>(
    socket: &SocketRef<A>,
    ctx: &Ctx,
    me: &SocketUser,
) -> Result<(), AppError> {
    let now = store::users::with_epoch(&ctx.db, me.user.id).await?;
    match lapsed(me, &now) {
        None => Ok(()),
        Some(reason) => {
            end(socket, reason);
            Err(AppError::Unauthenticated)
        }
    }
}
