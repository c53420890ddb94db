//! A moment as the viewer reads it: their own clock (`14:05`), or how long
//! ago ("3 min ago") where that reads better. The server does not know the
//! viewer's time zone, so the text is written in the browser once hydrated
//! (the `datetime` attribute carries the exact instant from the start).

use leptos::prelude::*;

/// `at`: RFC 3339 (UTC). `relative`: "just now", "3 min ago", then the
/// clock time after an hour; it keeps itself up to date.
#[component]
pub fn LocalTime(at: String, #[prop(optional)] relative: bool) -> impl IntoView {
    let text = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    if let Some(ms) = model::time::parse_rfc3339(&at) {
        let show = move || text.set(browser::describe(ms, relative));
        Effect::new(move |_| show());
        if relative {
            if let Ok(tick) = set_interval_with_handle(show, std::time::Duration::from_secs(30)) {
                on_cleanup(move || tick.clear());
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = relative;
    view! { <time datetime=at>{move || text.get()}</time> }
}

#[cfg(feature = "hydrate")]
mod browser {
    /// The viewer's local `HH:MM`.
    pub fn clock(ms: i64) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    }

    pub fn describe(ms: i64, relative: bool) -> String {
        if !relative {
            return clock(ms);
        }
        let ago_min = ((js_sys::Date::now() as i64 - ms) / 60_000).max(0);
        match ago_min {
            0 => "just now".into(),
            1..=59 => format!("{ago_min} min ago"),
            _ => clock(ms),
        }
    }
}
