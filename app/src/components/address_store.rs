//! Where the customer wants their food, for the whole app: restaurants are
//! sorted by distance from it and the cart delivers there. Saved in the
//! browser's local storage, like the cart; the server renders the first
//! address and the browser shows the saved one after hydration.

use leptos::prelude::*;

use model::cart::DEMO_ADDRESSES;
use model::geo::LatLng;
use model::Place;

#[derive(Clone, Copy)]
pub struct AddressStore(pub RwSignal<usize>);

impl AddressStore {
    pub fn provide() {
        let chosen = RwSignal::new(0_usize);
        provide_context(AddressStore(chosen));
        #[cfg(feature = "hydrate")]
        {
            let loaded = RwSignal::new(false);
            Effect::new(move |_| {
                if let Some(saved) = storage::load().filter(|i| *i < DEMO_ADDRESSES.len()) {
                    chosen.set(saved);
                }
                loaded.set(true);
            });
            Effect::new(move |_| {
                let now = chosen.get();
                if loaded.get() {
                    storage::save(now);
                }
            });
        }
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The chosen address.
    pub fn place(&self) -> Place {
        let (street, lat, lng) = DEMO_ADDRESSES[self.0.get().min(DEMO_ADDRESSES.len() - 1)];
        Place {
            address: street.to_owned(),
            lat,
            lng,
        }
    }

    pub fn point(&self) -> LatLng {
        let place = self.place();
        LatLng {
            lat: place.lat,
            lng: place.lng,
        }
    }
}

#[cfg(feature = "hydrate")]
mod storage {
    const KEY: &str = "mealstream.address";

    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load() -> Option<usize> {
        local()?.get_item(KEY).ok()??.parse().ok()
    }

    pub fn save(index: usize) {
        if let Some(storage) = local() {
            let _ = storage.set_item(KEY, &index.to_string());
        }
    }
}
