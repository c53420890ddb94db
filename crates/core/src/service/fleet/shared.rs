//! Driver positions shared through Redis when `REDIS_URL` is set, so every
//! node sees every driver: one key per driver (`SET ... EX 30`, so an
//! expired key means offline) and a set of who may be online.

use std::time::Duration;

use fred::prelude::{Expiration, KeysInterface, Pool, SetsInterface};
use fred::types::SetOptions;
use serde::{Deserialize, Serialize};

use super::fix::{Assignment, Fix, POSITION_TTL};
use model::geo::LatLng;

#[derive(Clone)]
pub struct SharedPositions {
    pool: Pool,
    prefix: String,
}

/// A driver's position as stored in Redis.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFix {
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub heading: Option<f64>,
    pub speed: Option<f64>,
    pub at_ms: i64,
}

#[derive(Serialize, Deserialize)]
struct StoredJob {
    order_id: i64,
    pickup: (f64, f64),
    dropoff: (f64, f64),
    picked_up: bool,
}

impl StoredFix {
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

impl SharedPositions {
    pub fn new(pool: Pool, prefix: &str) -> Self {
        Self {
            pool,
            prefix: prefix.to_owned(),
        }
    }

    fn key(&self, driver_id: i64) -> String {
        format!("{}:driver:{driver_id}", self.prefix)
    }

    fn online_set(&self) -> String {
        format!("{}:drivers", self.prefix)
    }

    pub async fn put(
        &self,
        driver_id: i64,
        name: &str,
        fix: &Fix,
    ) -> Result<(), fred::error::Error> {
        let stored = StoredFix {
            name: name.to_owned(),
            lat: fix.point.lat,
            lng: fix.point.lng,
            heading: fix.heading,
            speed: fix.speed,
            at_ms: fix.at_ms,
        };
        let json = serde_json::to_string(&stored).unwrap_or_default();
        let ttl = POSITION_TTL.as_secs() as i64;
        self.pool
            .set::<(), _, _>(
                self.key(driver_id),
                json,
                Some(Expiration::EX(ttl)),
                None,
                false,
            )
            .await?;
        self.pool
            .sadd::<(), _, _>(self.online_set(), driver_id)
            .await
    }

    /// Claims a driver's report slot for `interval_ms`, for every node
    /// (`SET NX PX`): `None` when claimed, else how long until it frees.
    pub async fn claim_report(
        &self,
        driver_id: i64,
        interval_ms: i64,
    ) -> Result<Option<Duration>, fred::error::Error> {
        let key = format!("{}:report-slot:{driver_id}", self.prefix);
        let claimed: Option<String> = self
            .pool
            .set(
                &key,
                1,
                Some(Expiration::PX(interval_ms)),
                Some(SetOptions::NX),
                false,
            )
            .await?;
        if claimed.is_some() {
            return Ok(None);
        }
        let left: i64 = self.pool.pttl(&key).await?;
        Ok(Some(Duration::from_millis(
            left.clamp(1, interval_ms) as u64
        )))
    }

    fn job_key(&self, driver_id: i64) -> String {
        format!("{}:job:{driver_id}", self.prefix)
    }

    /// The delivery a driver is on, for whichever node their phone reports to.
    pub async fn put_job(
        &self,
        driver_id: i64,
        job: Option<&Assignment>,
    ) -> Result<(), fred::error::Error> {
        let Some(job) = job else {
            return self.pool.del::<(), _>(self.job_key(driver_id)).await;
        };
        let stored = StoredJob {
            order_id: job.order_id,
            pickup: (job.pickup.lat, job.pickup.lng),
            dropoff: (job.dropoff.lat, job.dropoff.lng),
            picked_up: job.picked_up,
        };
        let json = serde_json::to_string(&stored).unwrap_or_default();
        // A day at most: a delivery never lasts that long, and a key left by
        // a crash between steps does not linger.
        self.pool
            .set::<(), _, _>(
                self.job_key(driver_id),
                json,
                Some(Expiration::EX(86_400)),
                None,
                false,
            )
            .await
    }

    pub async fn get_job(&self, driver_id: i64) -> Result<Option<Assignment>, fred::error::Error> {
        let raw: Option<String> = self.pool.get(self.job_key(driver_id)).await?;
        Ok(raw
            .and_then(|r| serde_json::from_str::<StoredJob>(&r).ok())
            .map(|j| Assignment {
                order_id: j.order_id,
                pickup: LatLng {
                    lat: j.pickup.0,
                    lng: j.pickup.1,
                },
                dropoff: LatLng {
                    lat: j.dropoff.0,
                    lng: j.dropoff.1,
                },
                picked_up: j.picked_up,
            }))
    }

    pub async fn remove(&self, driver_id: i64) -> Result<(), fred::error::Error> {
        self.pool.del::<(), _>(self.key(driver_id)).await?;
        self.pool
            .srem::<(), _, _>(self.online_set(), driver_id)
            .await
    }

    pub async fn get(&self, driver_id: i64) -> Result<Option<StoredFix>, fred::error::Error> {
        let raw: Option<String> = self.pool.get(self.key(driver_id)).await?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    /// Every driver whose position has not expired; expired ones leave the set.
    pub async fn all(&self) -> Result<Vec<(i64, StoredFix)>, fred::error::Error> {
        let ids: Vec<i64> = self.pool.smembers(self.online_set()).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.key(*id)).collect();
        let values: Vec<Option<String>> = self.pool.mget(keys).await?;
        let mut live = Vec::with_capacity(ids.len());
        for (id, value) in ids.into_iter().zip(values) {
            match value.and_then(|v| serde_json::from_str::<StoredFix>(&v).ok()) {
                Some(fix) => live.push((id, fix)),
                None => self.pool.srem::<(), _, _>(self.online_set(), id).await?,
            }
        }
        Ok(live)
    }
}
