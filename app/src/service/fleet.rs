//! Where drivers are, in memory only: the location hot path never touches
//! SQL. Each driver's latest fix lives for `POSITION_TTL`; a driver whose
//! fix expired is offline. The delivery each driver is on is cached here so
//! a location update knows whom to tell without a query.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::fleet_shared::SharedPositions;
use crate::error::AppError;
use crate::model::geo::{distance_m, LatLng};
use crate::model::time::rfc3339;
use crate::realtime::events::{DriverPosition, LocationReport, LocationUpdate};
use crate::store::now_ms;

/// A fix older than this marks the driver offline.
pub const POSITION_TTL: Duration = Duration::from_secs(30);
/// At most one accepted fix per driver per this interval.
pub const MIN_INTERVAL_MS: i64 = 1000;
/// A fix closer than this to the last accepted one, without turning, is
/// not worth telling anyone.
pub const MIN_MOVE_M: f64 = 5.0;
pub const MIN_TURN_DEG: f64 = 20.0;
/// The admin map gets at most one position per driver per this interval.
pub const ADMIN_FEED_INTERVAL_MS: i64 = 3000;
/// Assumed speed when the device reports none: city traffic, ~18 km/h.
pub const DEFAULT_SPEED_MPS: f64 = 5.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fix {
    pub point: LatLng,
    pub heading: Option<f64>,
    pub speed: Option<f64>,
    pub at_ms: i64,
}

/// The delivery a driver is on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assignment {
    pub order_id: i64,
    pub pickup: LatLng,
    pub dropoff: LatLng,
    pub picked_up: bool,
}

/// What became of one location report.
#[derive(Debug, PartialEq)]
pub enum Reported {
    /// Stored, and worth telling: to the order's watchers and/or admins.
    Moved {
        watchers: Option<LocationUpdate>,
        admins: Option<DriverPosition>,
    },
    /// Stored (the driver stays online), but too close to the last one to send.
    Unchanged,
}

#[derive(Default)]
struct DriverState {
    name: String,
    online: bool,
    fix: Option<Fix>,
    last_sent: Option<Fix>,
    last_admin_ms: i64,
    assignment: Option<Assignment>,
}

#[derive(Default)]
pub struct Fleet {
    drivers: Mutex<HashMap<i64, DriverState>>,
    /// With Redis: positions every node sees. The throttle, the admin feed
    /// and the delivery cache stay per node.
    shared: Option<SharedPositions>,
}

fn unavailable(e: fred::error::Error) -> AppError {
    tracing::warn!(error = %e, "Redis unavailable for driver positions");
    AppError::Unavailable
}

impl Fix {
    pub fn parse(report: &LocationReport, at_ms: i64) -> Result<Fix, AppError> {
        let point = LatLng::new(report.lat, report.lng, "location")?;
        if let Some(h) = report.heading {
            if !h.is_finite() || !(0.0..=360.0).contains(&h) {
                return Err(AppError::invalid("heading", "must be 0 to 360 degrees"));
            }
        }
        if let Some(s) = report.speed {
            if !s.is_finite() || !(0.0..=100.0).contains(&s) {
                return Err(AppError::invalid(
                    "speed",
                    "must be 0 to 100 metres per second",
                ));
            }
        }
        Ok(Fix {
            point,
            heading: report.heading,
            speed: report.speed,
            at_ms,
        })
    }

    fn fresh(&self, now: i64) -> bool {
        now - self.at_ms < POSITION_TTL.as_millis() as i64
    }
}

fn turned(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let d = (a - b).abs() % 360.0;
            d.min(360.0 - d) >= MIN_TURN_DEG
        }
        _ => false,
    }
}

/// Seconds until the driver reaches the customer: via the restaurant when
/// the meal is not picked up yet.
pub fn eta_seconds(fix: &Fix, job: &Assignment) -> i64 {
    let speed = fix.speed.filter(|s| *s >= 1.0).unwrap_or(DEFAULT_SPEED_MPS);
    let metres = if job.picked_up {
        distance_m(fix.point, job.dropoff)
    } else {
        distance_m(fix.point, job.pickup) + distance_m(job.pickup, job.dropoff)
    };
    (metres / speed).round() as i64
}

impl Fleet {
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
        let now = now_ms();
        self.with(|d| {
            d.get(&driver_id)
                .is_some_and(|s| s.online && s.fix.is_none_or(|f| f.fresh(now)))
        })
    }

    /// Online drivers with a fresh position, for dispatch.
    fn available_local(&self) -> Vec<(i64, LatLng)> {
        let now = now_ms();
        self.with(|d| {
            d.iter()
                .filter(|(_, s)| s.online)
                .filter_map(|(id, s)| s.fix.filter(|f| f.fresh(now)).map(|f| (*id, f.point)))
                .collect()
        })
    }

    fn position_local(&self, driver_id: i64) -> Option<Fix> {
        let now = now_ms();
        self.with(|d| {
            d.get(&driver_id)
                .and_then(|s| s.fix)
                .filter(|f| f.fresh(now))
        })
    }

    /// Every online driver with a fresh fix, for the admin map.
    fn positions_local(&self) -> Vec<DriverPosition> {
        let now = now_ms();
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
        let now = now_ms();
        self.with(|d| {
            let s = d.get(&driver_id)?;
            let job = s.assignment.filter(|a| a.order_id == order_id)?;
            let fix = s.fix.filter(|f| f.fresh(now))?;
            Some(update(driver_id, &fix, &job))
        })
    }

    /// The location hot path: throttle, store, and say whom to tell.
    fn report_local(
        &self,
        driver_id: i64,
        name: &str,
        report: &LocationReport,
    ) -> Result<(Reported, Fix), AppError> {
        let now = now_ms();
        let fix = Fix::parse(report, now)?;
        self.with(|d| {
            let state = d.entry(driver_id).or_default();
            if let Some(last) = state.fix {
                if now - last.at_ms < MIN_INTERVAL_MS {
                    return Err(AppError::rate_limited(
                        "at most one location per second",
                        std::time::Duration::from_millis(
                            (MIN_INTERVAL_MS - (now - last.at_ms)) as u64,
                        ),
                    ));
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
            drivers: Mutex::default(),
            shared: Some(shared),
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
        if let Some(shared) = &self.shared {
            // The delivery may have been taken through another node.
            let job = shared.get_job(driver_id).await.map_err(unavailable)?;
            self.with(|d| d.entry(driver_id).or_default().assignment = job);
        }
        let (outcome, fix) = self.report_local(driver_id, name, report)?;
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

fn update(driver_id: i64, fix: &Fix, job: &Assignment) -> LocationUpdate {
    LocationUpdate {
        order_id: job.order_id,
        driver_id,
        lat: fix.point.lat,
        lng: fix.point.lng,
        heading: fix.heading,
        speed: fix.speed,
        at: rfc3339(fix.at_ms),
        eta_seconds: eta_seconds(fix, job),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lng: f64) -> LocationReport {
        LocationReport {
            lat,
            lng,
            heading: None,
            speed: None,
        }
    }

    fn backdate(fleet: &Fleet, driver: i64, ms: i64) {
        fleet.with(|d| {
            let s = d.get_mut(&driver).unwrap();
            if let Some(f) = s.fix.as_mut() {
                f.at_ms -= ms;
            }
        });
    }

    #[test]
    fn a_second_fix_within_a_second_is_rate_limited() {
        let fleet = Fleet::default();
        assert!(fleet.report_local(1, "D", &at(38.71, -9.14)).is_ok());
        let e = fleet.report_local(1, "D", &at(38.72, -9.14)).unwrap_err();
        assert_eq!(e.status(), 429);
        assert!(
            fleet.report_local(2, "E", &at(38.71, -9.14)).is_ok(),
            "other drivers are unaffected"
        );
    }

    #[test]
    fn a_fix_that_barely_moved_is_stored_but_not_sent() {
        let fleet = Fleet::default();
        fleet.report_local(1, "D", &at(38.71, -9.14)).unwrap().0;
        backdate(&fleet, 1, 1500);
        assert_eq!(
            fleet.report_local(1, "D", &at(38.71001, -9.14)).unwrap().0,
            Reported::Unchanged
        );
        backdate(&fleet, 1, 1500);
        assert!(matches!(
            fleet.report_local(1, "D", &at(38.7110, -9.14)).unwrap().0,
            Reported::Moved { .. }
        ));
    }

    #[test]
    fn turning_counts_as_moving() {
        let fleet = Fleet::default();
        let mut r = at(38.71, -9.14);
        r.heading = Some(350.0);
        fleet.report_local(1, "D", &r).unwrap().0;
        backdate(&fleet, 1, 1500);
        r.heading = Some(5.0);
        assert_eq!(
            fleet.report_local(1, "D", &r).unwrap().0,
            Reported::Unchanged,
            "15 degrees across north is no turn"
        );
        backdate(&fleet, 1, 1500);
        r.heading = Some(40.0);
        assert!(matches!(
            fleet.report_local(1, "D", &r).unwrap().0,
            Reported::Moved { .. }
        ));
    }

    #[test]
    fn an_expired_fix_marks_the_driver_offline() {
        let fleet = Fleet::default();
        fleet.report_local(1, "D", &at(38.71, -9.14)).unwrap().0;
        assert!(fleet.is_online_local(1));
        assert_eq!(fleet.available_local().len(), 1);
        backdate(&fleet, 1, POSITION_TTL.as_millis() as i64 + 1);
        assert!(!fleet.is_online_local(1));
        assert!(fleet.available_local().is_empty());
        assert!(fleet.position_local(1).is_none());
    }

    #[test]
    fn watchers_hear_only_of_a_driver_on_their_order() {
        let fleet = Fleet::default();
        let job = Assignment {
            order_id: 9,
            pickup: LatLng {
                lat: 38.7118,
                lng: -9.1376,
            },
            dropoff: LatLng {
                lat: 38.7076,
                lng: -9.1365,
            },
            picked_up: false,
        };
        match fleet.report_local(1, "D", &at(38.715, -9.14)).unwrap().0 {
            Reported::Moved { watchers, admins } => assert!(watchers.is_none() && admins.is_some()),
            other => panic!("{other:?}"),
        }
        fleet.assign_local(1, job);
        backdate(&fleet, 1, 1500);
        match fleet.report_local(1, "D", &at(38.714, -9.14)).unwrap().0 {
            Reported::Moved {
                watchers: Some(u),
                admins,
            } => {
                assert_eq!(u.order_id, 9);
                assert!(u.eta_seconds > 0);
                assert!(
                    admins.is_none(),
                    "the admin feed is thinned to one per few seconds"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn eta_goes_via_the_restaurant_until_pickup() {
        let fix = Fix {
            point: LatLng {
                lat: 38.7076,
                lng: -9.1500,
            },
            heading: None,
            speed: Some(10.0),
            at_ms: 0,
        };
        let mut job = Assignment {
            order_id: 1,
            pickup: LatLng {
                lat: 38.7118,
                lng: -9.1376,
            },
            dropoff: LatLng {
                lat: 38.7076,
                lng: -9.1365,
            },
            picked_up: false,
        };
        let before = eta_seconds(&fix, &job);
        job.picked_up = true;
        assert!(before > eta_seconds(&fix, &job));
    }

    #[test]
    fn bad_coordinates_are_refused() {
        let fleet = Fleet::default();
        for (lat, lng) in [(91.0, 0.0), (0.0, -181.0), (f64::NAN, 0.0)] {
            assert_eq!(
                fleet
                    .report_local(1, "D", &at(lat, lng))
                    .unwrap_err()
                    .status(),
                422
            );
        }
    }
}
