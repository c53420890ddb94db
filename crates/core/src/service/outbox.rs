//! The outbox: a write transaction that logs events as it goes and writes
//! them when it commits. `log` only queues (no I/O); `commit` appends every
//! queued event in one statement, the last before COMMIT, commits, and
//! wakes this node's log tail, which emits them. Nothing publishes by hand, so nothing can forget to.

use std::sync::Arc;

use super::clock::Clock;
use super::Ctx;
use crate::emit::Emitter;
use crate::store::events::NewEvent;
use crate::store::write::WriteConn;
use crate::store::{self, Backend};
use model::error::AppError;
use model::events::Payload;

pub struct EventTx {
    tx: WriteConn,
    backend: Backend,
    emitter: Emitter,
    events: Vec<NewEvent>,
    clock: Arc<dyn Clock>,
}

impl Ctx {
    /// Begins a write transaction whose events go out after it commits.
    pub async fn begin(&self) -> Result<EventTx, AppError> {
        Ok(EventTx {
            tx: self.db.begin().await?,
            backend: self.db.backend,
            emitter: self.emitter.clone(),
            events: Vec::new(),
            clock: self.clock.clone(),
        })
    }
}

impl EventTx {
    /// The time of this change, on its context's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Queues an event for `rooms`, under its payload's name in the
    /// catalog; it is written with the commit.
    pub fn log<P: Payload>(&mut self, rooms: Vec<String>, payload: &P) -> Result<(), AppError> {
        let payload = serde_json::to_string(payload).map_err(|e| AppError::Internal(e.into()))?;
        self.events.push(NewEvent {
            kind: P::NAME.to_owned(),
            payload,
            at: self.now_ms(),
            rooms,
        });
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Writes the queued events, commits, and hands them to the tail.
    pub async fn commit(mut self) -> Result<(), AppError> {
        let started = std::time::Instant::now();
        let ids = if self.events.is_empty() {
            Vec::new()
        } else {
            store::events::append_all(&mut self.tx, self.backend, &self.events).await?
        };
        self.tx.commit().await?;
        if let Some(newest) = ids.last() {
            super::metrics::events_committed(started.elapsed());
            self.emitter.committed_here(*newest);
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), AppError> {
        Ok(self.tx.rollback().await?)
    }
}

impl std::ops::Deref for EventTx {
    type Target = WriteConn;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for EventTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}
