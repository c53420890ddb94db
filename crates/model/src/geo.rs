//! Coordinates, validated once, and distances on the Earth's surface.

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

impl LatLng {
    /// `field` names the pair in errors, e.g. "dropoff".
    pub fn new(lat: f64, lng: f64, field: &str) -> Result<LatLng, AppError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(AppError::invalid(
                &format!("{field}.lat"),
                "must be a number from -90 to 90",
            ));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(AppError::invalid(
                &format!("{field}.lng"),
                "must be a number from -180 to 180",
            ));
        }
        Ok(LatLng { lat, lng })
    }
}

/// The demo city's centre (Rossio square, Lisbon): where "near you"
/// distances are measured from until a customer picks an address.
pub const CITY_CENTRE: LatLng = LatLng {
    lat: 38.7139,
    lng: -9.1394,
};

/// "650 m", "1.2 km".
pub fn format_distance(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() as i64 * 10)
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

/// Great-circle distance in metres (haversine).
pub fn distance_m(a: LatLng, b: LatLng) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlng = (b.lng - a.lng).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_or_nan_coordinates_are_refused() {
        assert!(LatLng::new(91.0, 0.0, "dropoff").is_err());
        assert!(LatLng::new(0.0, -181.0, "dropoff").is_err());
        assert!(LatLng::new(f64::NAN, 0.0, "dropoff").is_err());
        let e = LatLng::new(0.0, f64::INFINITY, "dropoff").unwrap_err();
        assert_eq!(e.body().error.field.as_deref(), Some("dropoff.lng"));
        assert!(LatLng::new(-90.0, 180.0, "dropoff").is_ok());
    }

    #[test]
    fn distances_read_well() {
        assert_eq!(format_distance(647.0), "650 m");
        assert_eq!(format_distance(1234.0), "1.2 km");
    }

    #[test]
    fn distance_across_lisbon_is_about_right() {
        let rossio = LatLng {
            lat: 38.7139,
            lng: -9.1394,
        };
        let cais = LatLng {
            lat: 38.7063,
            lng: -9.1446,
        };
        let d = distance_m(rossio, cais);
        assert!((900.0..1000.0).contains(&d), "{d}");
        assert_eq!(distance_m(rossio, rossio), 0.0);
    }
}
