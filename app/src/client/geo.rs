//! The phone's position: `navigator.geolocation.watchPosition`, one watch
//! at a time, reported to a callback; a refusal becomes a clear message.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use model::requests::LocationReport;

thread_local! {
    static WATCH: RefCell<Option<i32>> = const { RefCell::new(None) };
}

/// Why there is no position: `blocked` when it will not come back by
/// itself (refused, or no geolocation at all).
pub struct Problem {
    pub blocked: bool,
    pub message: String,
}

/// Starts watching; `on_fix` gets each position, `on_error` each problem.
pub fn start(on_fix: impl Fn(LocationReport) + 'static, on_error: impl Fn(Problem) + 'static) {
    stop();
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        on_error(Problem {
            blocked: true,
            message: "This browser cannot share its location.".into(),
        });
        return;
    };
    let success = Closure::<dyn Fn(web_sys::Position)>::new(move |p: web_sys::Position| {
        let c = p.coords();
        let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
        on_fix(LocationReport {
            lat: c.latitude(),
            lng: c.longitude(),
            heading: finite(c.heading()).filter(|h| (0.0..=360.0).contains(h)),
            speed: finite(c.speed()).filter(|s| *s >= 0.0),
        });
    });
    let failure = Closure::<dyn Fn(web_sys::PositionError)>::new(
        move |e: web_sys::PositionError| {
            let blocked = e.code() == web_sys::PositionError::PERMISSION_DENIED;
            let message = match e.code() {
                web_sys::PositionError::PERMISSION_DENIED => {
                    "Location is blocked for this site. Allow it in your browser settings to receive offers."
                }
                web_sys::PositionError::POSITION_UNAVAILABLE => "Your position is unavailable right now.",
                _ => "Finding your position is taking long; still trying.",
            };
            on_error(Problem {
                blocked,
                message: message.to_owned(),
            })
        },
    );
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_maximum_age(1000);
    let id = geo.watch_position_with_error_callback_and_options(
        success.as_ref().unchecked_ref(),
        Some(failure.as_ref().unchecked_ref()),
        &options,
    );
    success.forget();
    failure.forget();
    if let Ok(id) = id {
        WATCH.with(|w| *w.borrow_mut() = Some(id));
    }
}

pub fn stop() {
    if let Some(id) = WATCH.with(|w| w.borrow_mut().take()) {
        if let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) {
            geo.clear_watch(id);
        }
    }
}

/// One position, now (a customer pinning their address): `on_fix` gets
/// latitude and longitude, or `on_error` says why not.
pub fn once(
    on_fix: impl FnOnce(f64, f64) + 'static,
    on_error: impl FnOnce(&'static str) + 'static,
) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        on_error("This browser cannot tell where it is: drop the pin instead.");
        return;
    };
    let found = Closure::once_into_js(move |p: web_sys::Position| {
        let c = p.coords();
        on_fix(c.latitude(), c.longitude());
    });
    let failed = Closure::once_into_js(move |e: web_sys::PositionError| {
        on_error(if e.code() == web_sys::PositionError::PERMISSION_DENIED {
            "Location is blocked for this site: drop the pin instead."
        } else {
            "Your position is unavailable right now: drop the pin instead."
        })
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(10_000);
    let _ = geo.get_current_position_with_error_callback_and_options(
        found.unchecked_ref(),
        Some(failed.unchecked_ref()),
        &options,
    );
}
