//! Where drivers are: the location hot path never touches SQL. Each
//! driver's latest fix lives in the positions backplane for
//! `POSITION_TTL`; a driver whose fix expired is offline. This node keeps
//! what only it needs: the last fix it sent on, when it last fed the admin
//! map, and a copy of each driver's delivery, so a location update knows
//! whom to tell.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

mod fix;
mod positions;
mod redis;

pub use fix::{
    eta_seconds, Assignment, Fix, Reported, ADMIN_FEED_INTERVAL_MS, DEFAULT_SPEED_MPS,
    MIN_INTERVAL_MS, MIN_MOVE_M, MIN_TURN_DEG, POSITION_TTL,
};
use fix::{turned, update};
pub use positions::{Located, MemoryPositions, Positions};
pub use redis::RedisPositions;

use super::clock::{self, Clock};
use model::error::AppError;
use model::events::{DriverPosition, LocationUpdate};
use model::geo::{distance_m, LatLng};
use model::requests::LocationReport;
use model::time::rfc3339;
use model::{OrderId, UserId};

/// What this node keeps of a driver.
#[derive(Default)]
struct DriverState {
    name: String,
    online: bool,
    /// The last fix this node stored.
    fix: Option<Fix>,
    last_sent: Option<Fix>,
    last_admin_ms: i64,
    assignment: Option<Assignment>,
}

pub struct Fleet {
    drivers: Mutex<HashMap<UserId, DriverState>>,
    positions: Arc<dyn Positions>,
    clock: Arc<dyn Clock>,
}

fn too_soon(left: std::time::Duration) -> AppError {
    AppError::rate_limited("at most one location per second", left)
}

impl Default for Fleet {
    fn default() -> Self {
        Self::with_clock(clock::system())
    }
}

impl Fleet {
    /// The fleet over `positions`, chosen once at startup.
    pub fn new(positions: Arc<dyn Positions>, clock: Arc<dyn Clock>) -> Self {
        Self {
            drivers: Mutex::default(),
            positions,
            clock,
        }
    }

    /// One node's fleet, in memory, on `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::new(Arc::new(MemoryPositions::new(clock.clone())), clock)
    }

    fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<UserId, DriverState>) -> T) -> T {
        f(&mut self.drivers.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Stores an accepted fix here and says whom to tell.
    fn moved(&self, driver_id: UserId, name: &str, fix: Fix, job: Option<Assignment>) -> Reported {
        let now = fix.at_ms;
        self.with(|d| {
            let state = d.entry(driver_id).or_default();
            state.name = name.to_owned();
            state.online = true;
            state.fix = Some(fix);
            state.assignment = job;
            let moved = match state.last_sent {
                None => true,
                Some(sent) => {
                    distance_m(sent.point, fix.point) >= MIN_MOVE_M
                        || turned(sent.heading, fix.heading)
                }
            };
            if !moved {
                return Reported::Unchanged;
            }
            state.last_sent = Some(fix);
            let watchers = job.map(|job| update(driver_id, &fix, &job));
            let admins = (now - state.last_admin_ms >= ADMIN_FEED_INTERVAL_MS).then(|| {
                state.last_admin_ms = now;
                DriverPosition {
                    driver_id,
                    name: state.name.clone(),
                    lat: fix.point.lat,
                    lng: fix.point.lng,
                    at: rfc3339(now),
                    order_id: job.map(|a| a.order_id),
                }
            });
            Reported::Moved { watchers, admins }
        })
    }

    /// A driver took a delivery (or, at startup, is still on one).
    pub async fn assign(&self, driver_id: UserId, job: Assignment) -> Result<(), AppError> {
        self.with(|d| d.entry(driver_id).or_default().assignment = Some(job));
        self.positions.put_job(driver_id, Some(&job)).await
    }

    /// The driver has the food: the ETA now counts to the drop-off.
    pub async fn picked_up(&self, driver_id: UserId) -> Result<(), AppError> {
        self.with(|d| {
            if let Some(job) = d.get_mut(&driver_id).and_then(|s| s.assignment.as_mut()) {
                job.picked_up = true;
            }
        });
        if let Some(mut job) = self.positions.get_job(driver_id).await? {
            job.picked_up = true;
            self.positions.put_job(driver_id, Some(&job)).await?;
        }
        Ok(())
    }

    /// The delivery ended (delivered, cancelled, rejected).
    pub async fn finish(&self, driver_id: UserId) -> Result<(), AppError> {
        self.with(|d| {
            if let Some(s) = d.get_mut(&driver_id) {
                s.assignment = None;
            }
        });
        self.positions.put_job(driver_id, None).await
    }

    /// The location hot path: throttle, store, and say whom to tell.
    pub async fn report(
        &self,
        driver_id: UserId,
        name: &str,
        report: &LocationReport,
    ) -> Result<Reported, AppError> {
        let fix = Fix::parse(report, self.now_ms())?;
        if let Some(left) = self
            .positions
            .claim_report(driver_id, MIN_INTERVAL_MS)
            .await?
        {
            return Err(too_soon(left));
        }
        // The delivery may have been taken through another node.
        let job = self.positions.get_job(driver_id).await?;
        let outcome = self.moved(driver_id, name, fix, job);
        self.positions.put(driver_id, name, &fix).await?;
        Ok(outcome)
    }

    pub async fn go_online(
        &self,
        driver_id: UserId,
        name: &str,
        online: bool,
    ) -> Result<(), AppError> {
        self.with(|d| {
            let state = d.entry(driver_id).or_default();
            state.name = name.to_owned();
            state.online = online;
            if !online {
                state.fix = None;
                state.last_sent = None;
            }
        });
        if online {
            return Ok(());
        }
        self.positions.remove(driver_id).await
    }

    /// Online: a fix that has not expired (stored through any node), or
    /// online here and no fix yet.
    pub async fn is_online(&self, driver_id: UserId) -> Result<bool, AppError> {
        let waiting_for_a_fix = self.with(|d| {
            d.get(&driver_id)
                .is_some_and(|s| s.online && s.fix.is_none())
        });
        Ok(waiting_for_a_fix || self.positions.get(driver_id).await?.is_some())
    }

    /// Online drivers with a fresh position, for dispatch.
    pub async fn available(&self) -> Result<Vec<(UserId, LatLng)>, AppError> {
        Ok(self
            .positions
            .all()
            .await?
            .into_iter()
            .map(|(id, l)| (id, l.fix().point))
            .collect())
    }

    pub async fn position(&self, driver_id: UserId) -> Result<Option<Fix>, AppError> {
        Ok(self.positions.get(driver_id).await?.map(|l| l.fix()))
    }

    /// Every online driver with a fresh fix, for the admin map.
    pub async fn positions(&self) -> Result<Vec<DriverPosition>, AppError> {
        let all = self.positions.all().await?;
        let mut jobs = HashMap::new();
        for (id, _) in &all {
            if let Some(job) = self.positions.get_job(*id).await? {
                jobs.insert(*id, job);
            }
        }
        Ok(all
            .into_iter()
            .map(|(id, l)| DriverPosition {
                driver_id: id,
                at: rfc3339(l.at_ms),
                lat: l.lat,
                lng: l.lng,
                name: l.name,
                order_id: jobs.get(&id).map(|a| a.order_id),
            })
            .collect())
    }

    /// The last position of the driver on `order_id`, as its watchers see it.
    pub async fn last_update_for(
        &self,
        driver_id: UserId,
        order_id: OrderId,
    ) -> Result<Option<LocationUpdate>, AppError> {
        let job = self
            .positions
            .get_job(driver_id)
            .await?
            .filter(|a| a.order_id == order_id);
        let Some(job) = job else { return Ok(None) };
        let located = self.positions.get(driver_id).await?;
        Ok(located.map(|l| update(driver_id, &l.fix(), &job)))
    }
}

#[cfg(test)]
mod tests;
