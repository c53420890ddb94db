//! A socket keeps the rights it connected with only while they hold. Each
//! node re-reads, every `every`, the users behind its own sockets (one read
//! per user) and ends the sockets whose user is gone or suspended, whose
//! role or restaurant changed, whose session epoch moved on (a suspension
//! since), or whose session has expired: `session:revoked`, then a
//! disconnect, as a sign-out does.

use std::collections::HashMap;
use std::time::Duration;

use app::model::User;
use app::realtime::events::{SessionRevoked, SESSION_REVOKED};
use app::service::Ctx;
use app::store;
use socketioxide::adapter::Adapter;
use socketioxide::SocketIo;

use super::connect::SocketUser;

pub fn spawn<A: Adapter>(io: SocketIo<A>, ctx: Ctx, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            if ctx.emitter.is_closing() {
                return;
            }
            check(&io, &ctx).await;
        }
    });
}

/// Why a socket must end now, if it must.
fn lapsed(had: &SocketUser, now: &Option<(User, i64)>) -> Option<&'static str> {
    let Some((user, epoch)) = now else {
        return Some("signed out");
    };
    if user.suspended {
        return Some("suspended");
    }
    if *epoch != had.epoch
        || user.role != had.user.role
        || user.restaurant_id != had.user.restaurant_id
    {
        return Some("signed out");
    }
    if had.expires_at <= time::OffsetDateTime::now_utc() {
        return Some("expired");
    }
    None
}

async fn check<A: Adapter>(io: &SocketIo<A>, ctx: &Ctx) {
    let mut users: HashMap<i64, Option<(User, i64)>> = HashMap::new();
    for socket in io.sockets() {
        let Some(had) = socket.extensions.get::<SocketUser>() else {
            continue;
        };
        let id = had.user.id;
        if !users.contains_key(&id) {
            match store::users::with_epoch(&ctx.db, id).await {
                Ok(now) => {
                    users.insert(id, now);
                }
                // The database is away: keep the socket, look again later.
                Err(e) => {
                    tracing::warn!(error = %e, "socket rights check skipped");
                    return;
                }
            }
        }
        let Some(reason) = users.get(&id).and_then(|now| lapsed(&had, now)) else {
            continue;
        };
        tracing::info!(user_id = id, reason, "socket rights lapsed: disconnected");
        let _ = socket.emit(
            SESSION_REVOKED,
            &SessionRevoked {
                reason: reason.to_owned(),
            },
        );
        let _ = socket.disconnect();
    }
}
