//! Where the customer wants their food, for the whole app: restaurants are
//! sorted by distance from it and the cart delivers there. The address
//! book (the current address and the last three) is kept in the browser's
//! local storage, like the cart; the server renders the default and the
//! browser shows the saved one after hydration.

use leptos::prelude::*;

use model::address::Addresses;
use model::geo::LatLng;
use model::Place;

#[derive(Clone, Copy)]
pub struct AddressStore(pub RwSignal<Addresses>);

impl AddressStore {
    pub fn provide() {
        let book = RwSignal::new(Addresses::default());
        provide_context(AddressStore(book));
        #[cfg(feature = "hydrate")]
        {
            let loaded = RwSignal::new(false);
            Effect::new(move |_| {
                if let Some(saved) = storage::load() {
                    book.set(saved);
                }
                loaded.set(true);
            });
            Effect::new(move |_| {
                let now = book.get();
                if loaded.get() {
                    storage::save(&now);
                }
            });
        }
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The chosen address.
    pub fn place(&self) -> Place {
        self.0.with(|b| b.current.clone())
    }

    pub fn point(&self) -> LatLng {
        self.0.with(Addresses::point)
    }

    /// Delivers to `place` from now on.
    pub fn choose(&self, place: Place) {
        self.0.update(|b| b.choose(place));
    }
}

#[cfg(feature = "hydrate")]
mod storage {
    use model::address::Addresses;

    const KEY: &str = "mealstream.addresses";

    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load() -> Option<Addresses> {
        serde_json::from_str(&local()?.get_item(KEY).ok()??).ok()
    }

    pub fn save(book: &Addresses) {
        if let (Some(storage), Ok(text)) = (local(), serde_json::to_string(book)) {
            let _ = storage.set_item(KEY, &text);
        }
    }
}
