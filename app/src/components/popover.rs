//! What every popover (the bell, the phone menu) does alike: Escape
//! closes it.

use leptos::prelude::*;

/// Sets `open` to false when Escape is pressed anywhere on the page, for
/// as long as the calling view lives.
pub fn close_on_escape(open: RwSignal<bool>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || handle.remove());
}
