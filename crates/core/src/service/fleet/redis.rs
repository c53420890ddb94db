//! Driver positions shared through Redis when `REDIS_URL` is set, so every
//! node sees every driver: one key per driver (`SET ... EX 30`, so an
//! expired key means offline) and a set of who may be online.

use std::time::Duration;

use fred::prelude::{Expiration, KeysInterface, Pool, SetsInterface};
use fred::types::SetOptions;
use serde::{Deserialize, Serialize};

use super::fix::{Assignment, Fix, POSITION_TTL};
use super::positions::{Located, Positions};
use model::error::AppError;
use model::geo::LatLng;
use model::{OrderId, UserId};

#[derive(Clone)]
pub struct RedisPositions {
    pool: Pool,
    prefix: String,
}

#[derive(Serialize, Deserialize)]
struct StoredJob {
    order_id: OrderId,
    pickup: (f64, f64),
    dropoff: (f64, f64),
    picked_up: bool,
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "Redis unavailable for driver positions");
    AppError::Unavailable
}

impl RedisPositions {
    pub fn new(pool: Pool, prefix: &str) -> Self {
        Self {
            pool,
            prefix: prefix.to_owned(),
        }
    }

    fn key(&self, driver_id: UserId) -> String {
        format!("{}:driver:{driver_id}", self.prefix)
    }

    fn online_set(&self) -> String {
        format!("{}:drivers", self.prefix)
    }

    fn job_key(&self, driver_id: UserId) -> String {
        format!("{}:job:{driver_id}", self.prefix)
    }

    async fn put_json(&self, key: String, json: String, ttl_s: i64) -> Result<(), AppError> {
        self.pool
            .set::<(), _, _>(key, json, Some(Expiration::EX(ttl_s)), None, false)
            .await
            .map_err(unavailable)
    }
}

#[async_trait::async_trait]
impl Positions for RedisPositions {
    async fn put(&self, driver_id: UserId, name: &str, fix: &Fix) -> Result<(), AppError> {
        let json = serde_json::to_string(&Located::new(name, fix)).unwrap_or_default();
        let ttl = POSITION_TTL.as_secs() as i64;
        self.put_json(self.key(driver_id), json, ttl).await?;
        self.pool
            .sadd::<(), _, _>(self.online_set(), driver_id.0)
            .await
            .map_err(unavailable)
    }

    /// `SET NX PX`: one claim per interval whichever node the phone reaches.
    async fn claim_report(
        &self,
        driver_id: UserId,
        interval_ms: i64,
    ) -> Result<Option<Duration>, AppError> {
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
            .await
            .map_err(unavailable)?;
        if claimed.is_some() {
            return Ok(None);
        }
        let left: i64 = self.pool.pttl(&key).await.map_err(unavailable)?;
        Ok(Some(Duration::from_millis(
            left.clamp(1, interval_ms) as u64
        )))
    }

    async fn put_job(&self, driver_id: UserId, job: Option<&Assignment>) -> Result<(), AppError> {
        let Some(job) = job else {
            return self
                .pool
                .del::<(), _>(self.job_key(driver_id))
                .await
                .map_err(unavailable);
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
        self.put_json(self.job_key(driver_id), json, 86_400).await
    }

    async fn get_job(&self, driver_id: UserId) -> Result<Option<Assignment>, AppError> {
        let raw: Option<String> = self
            .pool
            .get(self.job_key(driver_id))
            .await
            .map_err(unavailable)?;
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

    async fn remove(&self, driver_id: UserId) -> Result<(), AppError> {
        self.pool
            .del::<(), _>(self.key(driver_id))
            .await
            .map_err(unavailable)?;
        self.pool
            .srem::<(), _, _>(self.online_set(), driver_id.0)
            .await
            .map_err(unavailable)
    }

    async fn get(&self, driver_id: UserId) -> Result<Option<Located>, AppError> {
        let raw: Option<String> = self
            .pool
            .get(self.key(driver_id))
            .await
            .map_err(unavailable)?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    /// Expired drivers leave the set as they are found.
    async fn all(&self) -> Result<Vec<(UserId, Located)>, AppError> {
        let ids: Vec<i64> = self
            .pool
            .smembers(self.online_set())
            .await
            .map_err(unavailable)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.key(UserId(*id))).collect();
        let values: Vec<Option<String>> = self.pool.mget(keys).await.map_err(unavailable)?;
        let mut live = Vec::with_capacity(ids.len());
        for (id, value) in ids.into_iter().zip(values) {
            match value.and_then(|v| serde_json::from_str::<Located>(&v).ok()) {
                Some(located) => live.push((UserId(id), located)),
                None => self
                    .pool
                    .srem::<(), _, _>(self.online_set(), id)
                    .await
                    .map_err(unavailable)?,
            }
        }
        Ok(live)
    }
}
