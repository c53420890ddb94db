//! One driver position and what follows from it: when a fix is fresh,
//! when a move or a turn is worth sending, and the ETA to the drop-off.

use std::time::Duration;

use model::error::AppError;
use model::events::{DriverPosition, LocationUpdate};
use model::geo::{distance_m, LatLng};
use model::requests::LocationReport;
use model::time::rfc3339;
use model::{OrderId, UserId};

/// A fix older than this marks the driver offline.
pub const POSITION_TTL: Duration = Duration::from_secs(30);
/// At most one accepted fix per driver per this interval: a little under a
/// second, so a phone reporting at a steady 1 Hz, with the jitter of real
/// networks, is not refused every few reports.
pub const MIN_INTERVAL_MS: i64 = 900;
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
    pub order_id: OrderId,
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

    pub(super) fn fresh(&self, now: i64) -> bool {
        now - self.at_ms < POSITION_TTL.as_millis() as i64
    }
}

pub(super) fn turned(a: Option<f64>, b: Option<f64>) -> bool {
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

pub(super) fn update(driver_id: UserId, fix: &Fix, job: &Assignment) -> LocationUpdate {
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
