//! The cart as a signal for the whole app, saved in the browser's local
//! storage so it survives reloads. The server renders an empty cart; the
//! browser fills it in after hydration.

use leptos::prelude::*;

use super::saved::saved;
use model::cart::Cart;

#[derive(Clone, Copy)]
pub struct CartStore(pub RwSignal<Cart>);

impl CartStore {
    pub fn provide() {
        provide_context(CartStore(saved("mealstream.cart")));
    }

    pub fn get() -> Self {
        expect_context()
    }
}
