//! What the event log keeps. Offers go a few minutes after they were made
//! (by then each is taken, declined or expired, and its drop-off address
//! is nobody else's business); everything else after a week. A client
//! resuming from a cursor older than what was pruned is told so
//! (`hello.resync`, the `Mealstream-Resync` header of `/api/events`) and
//! fetches its state again instead of trusting a replay with holes.

use std::time::Duration;

use super::Ctx;
use crate::store;
use model::error::AppError;
use model::EventId;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retention {
    /// How often each node prunes (they may overlap: deleting is idempotent).
    pub every: Duration,
    /// How long offers and their withdrawals stay in the log.
    pub offers: Duration,
    /// How long every other event stays.
    pub log: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(60),
            // Offers expire within a minute; ten leave room for a driver
            // whose phone dropped to catch up on what it was offered.
            offers: Duration::from_secs(10 * 60),
            log: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// Rows deleted per transaction: the single writer is never held long.
const BATCH: i64 = 1000;

/// Deletes what the log no longer keeps; returns how many events went.
pub async fn prune(ctx: &Ctx, retention: &Retention) -> Result<usize, AppError> {
    let now = ctx.now_ms();
    let short_before = now - retention.offers.as_millis() as i64;
    let all_before = now - retention.log.as_millis() as i64;
    let mut pruned = 0;
    loop {
        let n = store::events::prune(&ctx.db, short_before, all_before, BATCH).await?;
        pruned += n;
        if (n as i64) < BATCH || ctx.emitter.is_closing() {
            return Ok(pruned);
        }
    }
}

/// Whether replay after `after` may lack events the retention removed.
pub async fn needs_resync(ctx: &Ctx, after: EventId) -> Result<bool, AppError> {
    Ok(after < store::events::pruned_through(&ctx.db).await?)
}

/// Prunes every `retention.every` until the node shuts down.
pub fn spawn(ctx: Ctx, retention: Retention) {
    tokio::spawn(async move {
        let emitter = ctx.emitter.clone();
        emitter
            .every(retention.every, || async {
                match prune(&ctx, &retention).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(pruned = n, "event log pruned"),
                    Err(e) => tracing::warn!(error = %e, "event log pruning failed; retrying"),
                }
            })
            .await;
    });
}
