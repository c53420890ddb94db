//! What one socket may send: events per second (beyond, error acks; a
//! socket that keeps flooding is cut). Sockets per user: `user_sockets`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use model::error::AppError;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

/// Events a socket may send in one second.
pub const EVENTS_PER_SECOND: u32 = 20;
/// A socket that sends this many in one second is disconnected.
const CUT_AT: u32 = EVENTS_PER_SECOND * 5;

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
            mealstream_core::service::metrics::rate_limited("socket_events");
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
}
