//! Where the customer wants their food, for the whole app: restaurants are
//! sorted by distance from it and the cart delivers there. The address
//! book (the current address and the last three) is kept in the browser's
//! local storage, like the cart; the server renders the default and the
//! browser shows the saved one after hydration.

use leptos::prelude::*;

use super::saved::saved;
use model::address::Addresses;
use model::geo::LatLng;
use model::Place;

#[derive(Clone, Copy)]
pub struct AddressStore(pub RwSignal<Addresses>);

impl AddressStore {
    pub fn provide() {
        provide_context(AddressStore(saved("mealstream.addresses")));
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

    /// [`point`](Self::point) once, not followed: to start a pin from.
    pub fn point_now(&self) -> LatLng {
        self.0.with_untracked(Addresses::point)
    }

    /// Delivers to `place` from now on.
    pub fn choose(&self, place: Place) {
        self.0.update(|b| b.choose(place));
    }
}
