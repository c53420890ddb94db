//! A value the browser keeps across reloads (local storage, as JSON) and
//! the whole app shares as a signal: the cart, the address book. The server
//! renders `T::default()`; after hydration the browser shows the saved
//! value, then saves every change. A saved value that no longer parses is
//! ignored.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// A signal of `T` saved under `key`.
pub fn saved<T>(key: &'static str) -> RwSignal<T>
where
    T: Default + Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    let value = RwSignal::new(T::default());
    #[cfg(feature = "hydrate")]
    {
        // Effects run after hydration: the page first matches the server's
        // default, then shows the saved value.
        let loaded = RwSignal::new(false);
        Effect::new(move |_| {
            if let Some(saved) = storage::load(key) {
                value.set(saved);
            }
            loaded.set(true);
        });
        Effect::new(move |_| {
            let now = value.get();
            if loaded.get() {
                storage::save(key, &now);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
    value
}

#[cfg(feature = "hydrate")]
mod storage {
    use serde::{de::DeserializeOwned, Serialize};

    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
        serde_json::from_str(&local()?.get_item(key).ok()??).ok()
    }

    pub fn save<T: Serialize>(key: &str, value: &T) {
        if let (Some(storage), Ok(text)) = (local(), serde_json::to_string(value)) {
            let _ = storage.set_item(key, &text);
        }
    }
}
