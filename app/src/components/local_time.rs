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
        // A relative time reads the page's one clock tick, so it is
        // written again every 30 s; a clock time is written once.
        let tick = relative.then(browser::tick);
        Effect::new(move |_| {
            if let Some(tick) = &tick {
                tick.track();
            }
            text.set(browser::describe(ms, relative));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = relative;
    view! { <time datetime=at>{move || text.get()}</time> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;

    thread_local! {
        /// Counts 30 s periods: one timer for every relative time on the
        /// page (a bell of fifty notes ran fifty), started by the first.
        static TICK: ArcRwSignal<u64> = {
            let tick = ArcRwSignal::new(0);
            let next = tick.clone();
            // The page's lifetime: nothing to clear.
            let _ = set_interval_with_handle(
                move || next.update(|n| *n += 1),
                std::time::Duration::from_secs(30),
            );
            tick
        };
    }

    pub fn tick() -> ArcRwSignal<u64> {
        TICK.with(Clone::clone)
    }

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

/// The browser's clock in ms since the epoch; 0 on the server, which
/// never handles a tap or a timer.
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}
