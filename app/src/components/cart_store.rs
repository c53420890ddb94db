//! The cart as a signal for the whole app, saved in the browser's local
//! storage so it survives reloads. The server renders an empty cart; the
//! browser fills it in after hydration.

use leptos::prelude::*;

use model::cart::Cart;

#[derive(Clone, Copy)]
pub struct CartStore(pub RwSignal<Cart>);

impl CartStore {
    pub fn provide() {
        let cart = RwSignal::new(Cart::default());
        provide_context(CartStore(cart));
        #[cfg(feature = "hydrate")]
        {
            // Effects run after hydration: the page first matches the
            // server's empty cart, then shows the saved one.
            let loaded = RwSignal::new(false);
            Effect::new(move |_| {
                if let Some(saved) = storage::load() {
                    cart.set(saved);
                }
                loaded.set(true);
            });
            Effect::new(move |_| {
                let current = cart.get();
                if loaded.get() {
                    storage::save(&current);
                }
            });
        }
    }

    pub fn get() -> Self {
        expect_context()
    }
}

#[cfg(feature = "hydrate")]
mod storage {
    use model::cart::Cart;

    const KEY: &str = "mealstream.cart";

    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load() -> Option<Cart> {
        serde_json::from_str(&local()?.get_item(KEY).ok()??).ok()
    }

    pub fn save(cart: &Cart) {
        if let (Some(storage), Ok(text)) = (local(), serde_json::to_string(cart)) {
            let _ = storage.set_item(KEY, &text);
        }
    }
}
