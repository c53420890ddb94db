//! Where drivers are, in memory only: the location hot path never touches
//! SQL. Each driver's latest fix lives for `POSITION_TTL`; a driver whose
//! fix expired is offline. The delivery each driver is on is cached here so
//! a location update knows whom to tell without a query.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

mod fix;
mod shared;

pub use fix::{
    eta_seconds, Assignment, Fix, Reported, ADMIN_FEED_INTERVAL_MS, DEFAULT_SPEED_MPS,
    MIN_INTERVAL_MS, MIN_MOVE_M, MIN_TURN_DEG, POSITION_TTL,
};
use fix::{turned, update};

use super::clock::{self, Clock};
use model::error::AppError;
use model::events::{DriverPosition, LocationUpdate};
use model::geo::{distance_m, LatLng};
use model::requests::LocationReport;
use model::time::rfc3339;
pub use shared::SharedPositions;

#[derive(Default)]
struct DriverState {
    name: String,
    online: bool,
    fix: Option<Fix>,
    last_sent: Option<Fix>,
    last_admin_ms: i64,
    assignment: Option<Assignment>,
}

pub struct Fleet {
    drivers: Mutex<HashMap<i64, DriverState>>,
    clock: Arc<dyn Clock>,
    /// With Redis: positions every node sees. The throttle, the admin feed
    /// and the delivery cache stay per node.
    shared: Option<SharedPositions>,
}

fn too_soon(left: std::time::Duration) -> AppError {
    AppError::rate_limited("at most one location per second", left)
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "Redis unavailable for driver positions");
    AppError::Unavailable
}

impl Default for Fleet {
    fn default() -> Self {
        Self::with_clock(clock::system())
    }
}

impl Fleet {
    /// One node's fleet, in memory, on `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            drivers: Mutex::default(),
            clock,
            shared: None,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<i64, DriverState>) -> T) -> T {
        f(&mut self.drivers.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn set_online_local(&self, driver_id: i64, name: &str, online: bool) {
        self.with(|d| {
            let state = d.entry(driver_id).or_default();
            state.name = name.to_owned();
            state.online = online;
            if !online {
                state.fix = None;
                state.last_sent = None;
            }
        });
    }

    /// Online: said so, and either no fix yet or a fix that has not expired.
    fn is_online_local(&self, driver_id: i64) -> bool {
        let now = self.now_ms();
        self.with(|d| {
            d.get(&driver_id)
                .is_some_and(|s| s.online && s.fix.is_none_or(|f| f.fresh(now)))
        })
    }

    /// Online drivers with a fresh position, for dispatch.
    fn available_local(&self) -> Vec<(i64, LatLng)> {
        let now = self.now_ms();
        self.with(|d| {
            d.iter()
                .filter(|(_, s)| s.online)
                .filter_map(|(id, s)| s.fix.filter(|f| f.fresh(now)).map(|f| (*id, f.point)))
                .collect()
        })
    }

    fn position_local(&self, driver_id: i64) -> Option<Fix> {
        let now = self.now_ms();
        self.with(|d| {
            d.get(&driver_id)
                .and_then(|s| s.fix)
                .filter(|f| f.fresh(now))
        })
    }

    /// Every online driver with a fresh fix, for the admin map.
    fn positions_local(&self) -> Vec<DriverPosition> {
        let now = self.now_ms();
        self.with(|d| {
            d.iter()
                .filter(|(_, s)| s.online)
                .filter_map(|(id, s)| {
                    let fix = s.fix.filter(|f| f.fresh(now))?;
                    Some(DriverPosition {
                        driver_id: *id,
                        name: s.name.clone(),
                        lat: fix.point.lat,
                        lng: fix.point.lng,
                        at: rfc3339(fix.at_ms),
                        order_id: s.assignment.map(|a| a.order_id),
                    })
                })
                .collect()
        })
    }

    fn assign_local(&self, driver_id: i64, job: Assignment) {
        self.with(|d| d.entry(driver_id).or_default().assignment = Some(job));
    }

    fn picked_up_local(&self, driver_id: i64) {
        self.with(|d| {
            if let Some(job) = d.get_mut(&driver_id).and_then(|s| s.assignment.as_mut()) {
                job.picked_up = true;
            }
        });
    }

    fn finish_local(&self, driver_id: i64) {
        self.with(|d| {
            if let Some(s) = d.get_mut(&driver_id) {
                s.assignment = None;
            }
        });
    }

    /// The last position of the driver on `order_id`, as its watchers see it.
    fn last_update_for_local(&self, driver_id: i64, order_id: i64) -> Option<LocationUpdate> {
        let now = self.now_ms();
        self.with(|d| {
            let s = d.get(&driver_id)?;
            let job = s.assignment.filter(|a| a.order_id == order_id)?;
            let fix = s.fix.filter(|f| f.fresh(now))?;
            Some(update(driver_id, &fix, &job))
        })
    }

    /// The location hot path: throttle (unless Redis did, for every node),
    /// store, and say whom to tell.
    fn report_local(
        &self,
        driver_id: i64,
        name: &str,
        fix: Fix,
    ) -> Result<(Reported, Fix), AppError> {
        let now = fix.at_ms;
        let throttled_here = self.shared.is_none();
        self.with(|d| {
            let state = d.entry(driver_id).or_default();
            if let (Some(last), true) = (state.fix, throttled_here) {
                if now - last.at_ms < MIN_INTERVAL_MS {
                    return Err(too_soon(std::time::Duration::from_millis(
                        (MIN_INTERVAL_MS - (now - last.at_ms)) as u64,
                    )));
                }
            }
            state.name = name.to_owned();
            state.online = true;
            state.fix = Some(fix);
            let moved = match state.last_sent {
                None => true,
                Some(sent) => {
                    distance_m(sent.point, fix.point) >= MIN_MOVE_M
                        || turned(sent.heading, fix.heading)
                }
            };
            if !moved {
                return Ok((Reported::Unchanged, fix));
            }
            state.last_sent = Some(fix);
            let watchers = state.assignment.map(|job| update(driver_id, &fix, &job));
            let admins = (now - state.last_admin_ms >= ADMIN_FEED_INTERVAL_MS).then(|| {
                state.last_admin_ms = now;
                DriverPosition {
                    driver_id,
                    name: state.name.clone(),
                    lat: fix.point.lat,
                    lng: fix.point.lng,
                    at: rfc3339(now),
                    order_id: state.assignment.map(|a| a.order_id),
                }
            });
            Ok((Reported::Moved { watchers, admins }, fix))
        })
    }
}

/// The public side: the same questions, answered from Redis when shared.
impl Fleet {
    pub fn shared(shared: SharedPositions) -> Fleet {
        Fleet {
            shared: Some(shared),
            ..Fleet::default()
        }
    }

    /// A driver took a delivery (or, at startup, is still on one).
    pub async fn assign(&self, driver_id: i64, job: Assignment) -> Result<(), AppError> {
        self.assign_local(driver_id, job);
        if let Some(shared) = &self.shared {
            shared
                .put_job(driver_id, Some(&job))
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    /// The driver has the food: the ETA now counts to the drop-off.
    pub async fn picked_up(&self, driver_id: i64) -> Result<(), AppError> {
        self.picked_up_local(driver_id);
        if let Some(shared) = &self.shared {
            if let Some(mut job) = shared.get_job(driver_id).await.map_err(unavailable)? {
                job.picked_up = true;
                shared
                    .put_job(driver_id, Some(&job))
                    .await
                    .map_err(unavailable)?;
            }
        }
        Ok(())
    }

    /// The delivery ended (delivered, cancelled, rejected).
    pub async fn finish(&self, driver_id: i64) -> Result<(), AppError> {
        self.finish_local(driver_id);
        if let Some(shared) = &self.shared {
            shared.put_job(driver_id, None).await.map_err(unavailable)?;
        }
        Ok(())
    }

    /// The location hot path: throttle, store, and say whom to tell.
    pub async fn report(
        &self,
        driver_id: i64,
        name: &str,
        report: &LocationReport,
    ) -> Result<Reported, AppError> {
        let fix = Fix::parse(report, self.now_ms())?;
        if let Some(shared) = &self.shared {
            // One accepted report per interval whichever node the phone
            // reaches: the slot is claimed in Redis.
            if let Some(left) = shared
                .claim_report(driver_id, MIN_INTERVAL_MS)
                .await
                .map_err(unavailable)?
            {
                return Err(too_soon(left));
            }
            // The delivery may have been taken through another node.
            let job = shared.get_job(driver_id).await.map_err(unavailable)?;
            self.with(|d| d.entry(driver_id).or_default().assignment = job);
        }
        let (outcome, fix) = self.report_local(driver_id, name, fix)?;
        if let Some(shared) = &self.shared {
            shared
                .put(driver_id, name, &fix)
                .await
                .map_err(unavailable)?;
        }
        Ok(outcome)
    }

    pub async fn go_online(
        &self,
        driver_id: i64,
        name: &str,
        online: bool,
    ) -> Result<(), AppError> {
        self.set_online_local(driver_id, name, online);
        if let (Some(shared), false) = (&self.shared, online) {
            shared.remove(driver_id).await.map_err(unavailable)?;
        }
        Ok(())
    }

    pub async fn is_online(&self, driver_id: i64) -> Result<bool, AppError> {
        let local = self.is_online_local(driver_id);
        match &self.shared {
            Some(shared) => {
                Ok(local || shared.get(driver_id).await.map_err(unavailable)?.is_some())
            }
            None => Ok(local),
        }
    }

    /// Online drivers with a fresh position, for dispatch.
    pub async fn available(&self) -> Result<Vec<(i64, LatLng)>, AppError> {
        match &self.shared {
            Some(shared) => Ok(shared
                .all()
                .await
                .map_err(unavailable)?
                .into_iter()
                .map(|(id, f)| (id, f.fix().point))
                .collect()),
            None => Ok(self.available_local()),
        }
    }

    pub async fn position(&self, driver_id: i64) -> Result<Option<Fix>, AppError> {
        match &self.shared {
            Some(shared) => Ok(shared
                .get(driver_id)
                .await
                .map_err(unavailable)?
                .map(|f| f.fix())),
            None => Ok(self.position_local(driver_id)),
        }
    }

    /// Every online driver with a fresh fix, for the admin map.
    pub async fn positions(&self) -> Result<Vec<DriverPosition>, AppError> {
        let Some(shared) = &self.shared else {
            return Ok(self.positions_local());
        };
        let all = shared.all().await.map_err(unavailable)?;
        let mut jobs = HashMap::new();
        for (id, _) in &all {
            if let Some(job) = shared.get_job(*id).await.map_err(unavailable)? {
                jobs.insert(*id, job);
            }
        }
        Ok(all
            .into_iter()
            .map(|(id, f)| DriverPosition {
                driver_id: id,
                name: f.name.clone(),
                lat: f.lat,
                lng: f.lng,
                at: rfc3339(f.at_ms),
                order_id: jobs.get(&id).map(|a| a.order_id),
            })
            .collect())
    }

    /// The last position of the driver on `order_id`, as its watchers see it.
    pub async fn last_update_for(
        &self,
        driver_id: i64,
        order_id: i64,
    ) -> Result<Option<LocationUpdate>, AppError> {
        let Some(shared) = &self.shared else {
            return Ok(self.last_update_for_local(driver_id, order_id));
        };
        let job = shared
            .get_job(driver_id)
            .await
            .map_err(unavailable)?
            .filter(|a| a.order_id == order_id);
        let (Some(job), Some(fix)) = (job, shared.get(driver_id).await.map_err(unavailable)?)
        else {
            return Ok(None);
        };
        Ok(Some(update(driver_id, &fix.fix(), &job)))
    }
}

#[cfg(test)]
mod tests;
