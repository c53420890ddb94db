//! Where a customer wants their food: the address they wrote, the pin they
//! dropped for the driver, and the last three they used. Kept in the
//! browser; the server checks the one an order is placed with.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::geo::LatLng;
use crate::Place;

/// The longest address a customer may write.
pub const MAX_ADDRESS_CHARS: usize = 200;
/// How far from a restaurant it delivers, in metres.
pub const MAX_DELIVERY_M: f64 = 15_000.0;
/// How many recent addresses are kept.
pub const KEEP: usize = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Addresses {
    /// Where restaurants are measured from and the cart delivers to.
    pub current: Place,
    /// The last addresses used, newest first, `current` among them.
    #[serde(default)]
    pub recent: Vec<Place>,
}

impl Default for Addresses {
    /// Until a customer chooses: the demo city's main square.
    fn default() -> Self {
        Self {
            current: Place {
                address: "Praça do Comércio 1, Lisboa".to_owned(),
                lat: 38.7076,
                lng: -9.1365,
            },
            recent: Vec::new(),
        }
    }
}

impl Addresses {
    /// Delivers to `place` from now on, and keeps it first among the recent
    /// ones (the same address written again replaces the older one).
    pub fn choose(&mut self, place: Place) {
        let key = same_key(&place.address);
        self.recent.retain(|p| same_key(&p.address) != key);
        self.recent.insert(0, place.clone());
        self.recent.truncate(KEEP);
        self.current = place;
    }

    /// The recent addresses other than the current one.
    pub fn others(&self) -> impl Iterator<Item = &Place> {
        self.recent.iter().filter(|p| **p != self.current)
    }

    pub fn point(&self) -> LatLng {
        LatLng {
            lat: self.current.lat,
            lng: self.current.lng,
        }
    }
}

fn same_key(address: &str) -> String {
    address
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An address as written, trimmed; `field` names the input it came from.
pub fn check(address: &str, field: &str) -> Result<String, AppError> {
    let address = address.trim();
    if address.is_empty() {
        return Err(AppError::invalid(field, "write the street and number"));
    }
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(AppError::invalid(
            field,
            format!("an address is at most {MAX_ADDRESS_CHARS} characters"),
        ));
    }
    Ok(address.to_owned())
}

/// A pin can be dropped anywhere; a restaurant delivers only so far
/// ([`MAX_DELIVERY_M`]). The error names the distance.
pub fn within_reach(restaurant: &crate::Restaurant, dropoff: &Place) -> Result<(), AppError> {
    use crate::geo::{distance_m, format_distance};
    let from = LatLng {
        lat: restaurant.lat,
        lng: restaurant.lng,
    };
    let to = LatLng {
        lat: dropoff.lat,
        lng: dropoff.lng,
    };
    let away = distance_m(from, to);
    if away > MAX_DELIVERY_M {
        return Err(AppError::invalid(
            "dropoff",
            format!(
                "{} delivers within {} km; this address is {} away",
                restaurant.name,
                (MAX_DELIVERY_M / 1000.0).round() as i64,
                format_distance(away)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(address: &str, lat: f64) -> Place {
        Place {
            address: address.to_owned(),
            lat,
            lng: -9.14,
        }
    }

    #[test]
    fn the_last_three_are_kept_newest_first_without_repeats() {
        let mut book = Addresses::default();
        for (i, a) in ["Rua A 1", "Rua B 2", "Rua C 3", "Rua D 4"]
            .iter()
            .enumerate()
        {
            book.choose(place(a, 38.7 + i as f64 / 1000.0));
        }
        let names = |b: &Addresses| {
            b.recent
                .iter()
                .map(|p| p.address.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&book), ["Rua D 4", "Rua C 3", "Rua B 2"]);
        assert_eq!(book.current.address, "Rua D 4");
        // The same address again (other spacing, other pin) moves to the front.
        book.choose(place("rua  b 2", 38.8));
        assert_eq!(names(&book), ["rua  b 2", "Rua D 4", "Rua C 3"]);
        assert_eq!(book.point().lat, 38.8);
        assert_eq!(book.others().count(), 2);
    }

    #[test]
    fn an_address_is_written_and_not_too_long() {
        assert_eq!(
            check("  Rua Augusta 200 ", "address").unwrap(),
            "Rua Augusta 200"
        );
        for bad in ["", "   ", &"x".repeat(MAX_ADDRESS_CHARS + 1)] {
            let e = check(bad, "dropoff.address").unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid { field, .. } if field == "dropoff.address"),
                "{e:?}"
            );
        }
    }

    #[test]
    fn a_restaurant_delivers_within_fifteen_km() {
        let tasca = crate::Restaurant {
            id: crate::RestaurantId(1),
            name: "Tasca do Rossio".into(),
            cuisine: String::new(),
            address: String::new(),
            lat: 38.7139,
            lng: -9.1394,
            open: true,
            dishes: String::new(),
        };
        assert!(within_reach(&tasca, &place("Rua Augusta 1", 38.71)).is_ok());
        let porto = Place {
            address: "Rua de Santa Catarina 1, Porto".into(),
            lat: 41.149,
            lng: -8.606,
        };
        let e = within_reach(&tasca, &porto).unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, message }
                if field == "dropoff" && message.starts_with("Tasca do Rossio delivers within 15 km; this address is 27")),
            "{e:?}"
        );
    }

    #[test]
    fn a_book_saved_before_recents_were_kept_still_loads() {
        let old = r#"{"current":{"address":"Rua A 1","lat":38.7,"lng":-9.1}}"#;
        let book: Addresses = serde_json::from_str(old).unwrap();
        assert!(book.recent.is_empty());
    }
}
