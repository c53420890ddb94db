#![recursion_limit = "256"]
//! The browser entry: hydrate the server-rendered app.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A server function that redirects (sign-in, sign-out) loads the new
    // page in full, so the socket reconnects with the new session cookie.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(location);
        }
    });
    leptos::mount::hydrate_body(app::App);
    // Lets end-to-end tests wait for interactivity instead of sleeping,
    // and `early-taps.js` tap again what was tapped before.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"__mealstreamHydrated".into(), &true.into());
        if let Ok(event) = web_sys::Event::new("mealstream:hydrated") {
            let _ = window.dispatch_event(&event);
        }
    }
}
