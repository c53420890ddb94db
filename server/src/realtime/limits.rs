//! What one socket and one user may use: events per second per socket
//! (beyond, error acks; a socket that keeps flooding is cut), and sockets
//! per user on this node (beyond, the oldest is closed).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::error::AppError;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::socket::Sid;
use socketioxide::SocketIo;

/// Events a socket may send in one second.
pub const EVENTS_PER_SECOND: u32 = 20;
/// A socket that sends this many in one second is disconnected.
const CUT_AT: u32 = EVENTS_PER_SECOND * 5;
/// Sockets one user may hold on one node; a new one closes the oldest.
pub const SOCKETS_PER_USER: usize = 20;

/// A socket's event budget, kept in its extensions.
#[derive(Clone, Default)]
pub struct Budget(Arc<Mutex<Option<(Instant, u32)>>>);

impl Budget {
    /// Counts one event; `Err` once the socket is over its budget.
    fn spend(&self, now: Instant) -> Result<(), u32> {
        let mut window = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (start, count) = window.get_or_insert((now, 0));
        if now.duration_since(*start) >= Duration::from_secs(1) {
            *start = now;
            *count = 0;
        }
        *count += 1;
        if *count <= EVENTS_PER_SECOND {
            Ok(())
        } else {
            Err(*count)
        }
    }
}

/// Called first by every handler: the event is refused beyond the budget,
/// and a flooding socket is disconnected.
pub fn spend<A: Adapter>(s: &SocketRef<A>) -> Result<(), AppError> {
    let budget = match s.extensions.get::<Budget>() {
        Some(b) => b,
        None => {
            let b = Budget::default();
            s.extensions.insert(b.clone());
            b
        }
    };
    match budget.spend(Instant::now()) {
        Ok(()) => Ok(()),
        Err(count) => {
            app::service::metrics::rate_limited("socket_events");
            if count >= CUT_AT {
                tracing::warn!(socket = %s.id, "socket flooding events: disconnected");
                let _ = s.clone().disconnect();
            }
            Err(AppError::rate_limited(
                format!("too many events: at most {EVENTS_PER_SECOND} a second"),
                std::time::Duration::from_secs(1),
            ))
        }
    }
}

/// The sockets of each user on this node, oldest first.
#[derive(Clone, Default)]
pub struct UserSockets(Arc<Mutex<HashMap<i64, VecDeque<Sid>>>>);

impl UserSockets {
    /// Registers a new socket; returns those to close to stay within the limit.
    fn add(&self, user_id: i64, sid: Sid) -> Vec<Sid> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.entry(user_id).or_default();
        list.push_back(sid);
        let excess = list.len().saturating_sub(SOCKETS_PER_USER);
        list.drain(..excess).collect()
    }

    pub fn remove(&self, user_id: i64, sid: Sid) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = map.get_mut(&user_id) {
            list.retain(|s| *s != sid);
            if list.is_empty() {
                map.remove(&user_id);
            }
        }
    }

    /// Counts the new socket of `user_id` and closes the oldest beyond the
    /// limit. The caller calls [`remove`](Self::remove) when it goes.
    pub fn admit<A: Adapter>(&self, io: &SocketIo<A>, s: &SocketRef<A>, user_id: i64) {
        for old in self.add(user_id, s.id) {
            if let Some(old) = io.get_socket(old) {
                tracing::info!(user_id, socket = %old.id, "over {SOCKETS_PER_USER} sockets: closing the oldest");
                let _ = old.disconnect();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_beyond_the_limit_and_renews_each_second() {
        let budget = Budget::default();
        let t0 = Instant::now();
        for _ in 0..EVENTS_PER_SECOND {
            assert!(budget.spend(t0).is_ok());
        }
        assert_eq!(budget.spend(t0), Err(EVENTS_PER_SECOND + 1));
        assert!(budget.spend(t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn the_oldest_sockets_go_beyond_the_limit() {
        let users = UserSockets::default();
        let sids: Vec<Sid> = (0..SOCKETS_PER_USER + 2).map(|_| Sid::new()).collect();
        let mut closed = Vec::new();
        for sid in &sids {
            closed.extend(users.add(7, *sid));
        }
        assert_eq!(closed, sids[..2]);
        assert!(
            users.add(8, Sid::new()).is_empty(),
            "another user is unaffected"
        );
        users.remove(7, sids[5]);
        assert!(
            users.add(7, Sid::new()).is_empty(),
            "a closed socket frees its place"
        );
    }
}
