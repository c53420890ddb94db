//! Where each driver is and which delivery they are on, the backplane
//! behind the fleet: in this process's memory on one node, in Redis when
//! nodes share it (`super::redis`). Chosen once at startup (`Fleet::new`);
//! the fleet never asks which one it has.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::fix::{Assignment, Fix};
use crate::service::clock::Clock;
use model::error::AppError;
use model::geo::LatLng;
use model::UserId;

#[async_trait::async_trait]
pub trait Positions: Send + Sync {
    /// Claims the driver's report slot for `interval_ms`, for every node:
    /// `None` when claimed (the report goes on), else how long until it frees.
    async fn claim_report(
        &self,
        driver_id: UserId,
        interval_ms: i64,
    ) -> Result<Option<Duration>, AppError>;
    /// Stores the driver's latest fix: they are online until it expires.
    async fn put(&self, driver_id: UserId, name: &str, fix: &Fix) -> Result<(), AppError>;
    /// The driver went offline.
    async fn remove(&self, driver_id: UserId) -> Result<(), AppError>;
    /// The driver's fix, unless it expired.
    async fn get(&self, driver_id: UserId) -> Result<Option<Located>, AppError>;
    /// Every driver whose fix has not expired.
    async fn all(&self) -> Result<Vec<(UserId, Located)>, AppError>;
    /// The delivery the driver is on (`None`: none).
    async fn put_job(&self, driver_id: UserId, job: Option<&Assignment>) -> Result<(), AppError>;
    async fn get_job(&self, driver_id: UserId) -> Result<Option<Assignment>, AppError>;
}

/// A driver's name and latest fix, as the backplane keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Located {
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub heading: Option<f64>,
    pub speed: Option<f64>,
    pub at_ms: i64,
}

impl Located {
    pub fn new(name: &str, fix: &Fix) -> Located {
        Located {
            name: name.to_owned(),
            lat: fix.point.lat,
            lng: fix.point.lng,
            heading: fix.heading,
            speed: fix.speed,
            at_ms: fix.at_ms,
        }
    }

    pub fn fix(&self) -> Fix {
        Fix {
            point: LatLng {
                lat: self.lat,
                lng: self.lng,
            },
            heading: self.heading,
            speed: self.speed,
            at_ms: self.at_ms,
        }
    }
}

/// One node's positions.
pub struct MemoryPositions {
    drivers: Mutex<HashMap<UserId, Entry>>,
    clock: Arc<dyn Clock>,
}

#[derive(Default)]
struct Entry {
    located: Option<Located>,
    job: Option<Assignment>,
    /// When the report slot was last claimed.
    claimed_ms: Option<i64>,
}

impl MemoryPositions {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            drivers: Mutex::default(),
            clock,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<UserId, Entry>) -> T) -> T {
        f(&mut self.drivers.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn fresh(&self, located: &Located) -> bool {
        located.fix().fresh(self.clock.now_ms())
    }
}

#[async_trait::async_trait]
impl Positions for MemoryPositions {
    async fn claim_report(
        &self,
        driver_id: UserId,
        interval_ms: i64,
    ) -> Result<Option<Duration>, AppError> {
        let now = self.clock.now_ms();
        Ok(self.with(|d| {
            let entry = d.entry(driver_id).or_default();
            match entry.claimed_ms {
                Some(at) if now - at < interval_ms => {
                    Some(Duration::from_millis((interval_ms - (now - at)) as u64))
                }
                _ => {
                    entry.claimed_ms = Some(now);
                    None
                }
            }
        }))
    }

    async fn put(&self, driver_id: UserId, name: &str, fix: &Fix) -> Result<(), AppError> {
        self.with(|d| d.entry(driver_id).or_default().located = Some(Located::new(name, fix)));
        Ok(())
    }

    async fn remove(&self, driver_id: UserId) -> Result<(), AppError> {
        self.with(|d| {
            if let Some(entry) = d.get_mut(&driver_id) {
                entry.located = None;
            }
        });
        Ok(())
    }

    async fn get(&self, driver_id: UserId) -> Result<Option<Located>, AppError> {
        Ok(self.with(|d| {
            d.get(&driver_id)
                .and_then(|e| e.located.clone())
                .filter(|l| self.fresh(l))
        }))
    }

    async fn all(&self) -> Result<Vec<(UserId, Located)>, AppError> {
        Ok(self.with(|d| {
            d.iter()
                .filter_map(|(id, e)| Some((*id, e.located.clone().filter(|l| self.fresh(l))?)))
                .collect()
        }))
    }

    async fn put_job(&self, driver_id: UserId, job: Option<&Assignment>) -> Result<(), AppError> {
        self.with(|d| d.entry(driver_id).or_default().job = job.copied());
        Ok(())
    }

    async fn get_job(&self, driver_id: UserId) -> Result<Option<Assignment>, AppError> {
        Ok(self.with(|d| d.get(&driver_id).and_then(|e| e.job)))
    }
}
