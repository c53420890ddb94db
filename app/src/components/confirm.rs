//! Buttons for steps that cannot be undone: one that asks first, and one
//! that must be held. Both stay disabled while their request is in flight,
//! so a second tap can never send a second request.

use leptos::prelude::*;

/// "Reject" → "Reject order #12? [Yes, reject] [Not now]". The question
/// replaces the button, and "Yes" sits where "Not now" is not, so a double
/// tap on the first button lands on nothing that acts.
#[component]
pub fn ConfirmButton(
    /// The first button's text.
    label: &'static str,
    /// What is asked before acting.
    #[prop(into)]
    question: String,
    /// The button that acts, e.g. "Yes, reject".
    yes: &'static str,
    /// Set while the request is in flight.
    #[prop(into)]
    busy: Signal<bool>,
    on_confirm: impl Fn() + Send + Sync + 'static,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let act = Callback::new(move |()| on_confirm());
    // Back to the first button once the step went through (or failed).
    Effect::new(move |was_busy: Option<bool>| {
        let now = busy.get();
        if was_busy == Some(true) && !now {
            asking.set(false);
        }
        now
    });
    view! {
        <Show when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="btn" class:btn-danger=danger class:btn-ghost=!danger
                    disabled=move || busy.get() on:click=move |_| asking.set(true)>
                    {label}
                </button>
            }>
            <div class="confirm-step" role="group" aria-label=question.clone()>
                <span class="confirm-question">{question.clone()}</span>
                <button type="button" class="btn btn-ghost" disabled=move || busy.get()
                    on:click=move |_| asking.set(false)>"Not now"</button>
                <button type="button" class="btn" class:btn-danger=danger class:btn-primary=!danger
                    disabled=move || busy.get() on:click=move |_| act.run(())>
                    {yes}
                </button>
            </div>
        </Show>
    }
}

/// A button that acts only when held down for `hold_ms` (pointer, or Enter
/// / Space held on a keyboard). A tap only says to keep holding. Made for
/// the driver's "delivered": the one step a customer cannot take back.
#[component]
pub fn HoldButton(
    label: &'static str,
    #[prop(into)] busy: Signal<bool>,
    on_confirm: impl Fn() + Send + Sync + 'static,
    #[prop(default = 900)] hold_ms: u64,
) -> impl IntoView {
    let act = Callback::new(move |()| on_confirm());
    let holding = RwSignal::new(false);
    let hint = RwSignal::new(false);
    // Each press has a number: a timer from an earlier press is ignored.
    let press = StoredValue::new(0_u64);
    let start = move || {
        if busy.get_untracked() || holding.get_untracked() {
            return;
        }
        holding.set(true);
        hint.set(false);
        let this = press.get_value() + 1;
        press.set_value(this);
        set_timeout(
            move || {
                // The button may be gone by now: every access is a `try_`.
                if holding.try_get_untracked() == Some(true) && press.try_get_value() == Some(this)
                {
                    holding.set(false);
                    act.run(());
                }
            },
            std::time::Duration::from_millis(hold_ms),
        );
    };
    let stop = move || {
        if holding.get_untracked() {
            holding.set(false);
            hint.set(true);
        }
        press.update_value(|p| *p += 1);
    };
    view! {
        <button type="button" class="btn btn-primary btn-xl btn-block hold-button"
            data-holding=move || holding.get().to_string()
            style=format!("--hold-ms: {hold_ms}ms")
            aria-describedby="hold-hint"
            data-hold=""
            disabled=move || busy.get()
            on:pointerdown=move |ev| { ev.prevent_default(); start(); }
            on:pointerup=move |_| stop()
            on:pointerleave=move |_| stop()
            on:pointercancel=move |_| stop()
            on:contextmenu=move |ev| ev.prevent_default()
            // A click no pointer made: `early-taps.js` replaying a press
            // from before the app was live, which was never timed.
            on:click=move |ev| {
                if ev.detail() == 0 && !holding.get_untracked() && !busy.get_untracked() {
                    hint.set(true);
                }
            }
            on:keydown=move |ev| {
                if (ev.key() == "Enter" || ev.key() == " ") && !ev.repeat() {
                    ev.prevent_default();
                    start();
                }
            }
            on:keyup=move |ev| if ev.key() == "Enter" || ev.key() == " " { stop() }>
            <span class="hold-fill" aria-hidden="true"></span>
            <span class="hold-label">{label}</span>
        </button>
        <p id="hold-hint" class="hold-hint muted" role="status">
            {move || if busy.get() {
                "Saving…"
            } else if hint.get() {
                "Keep holding until the bar fills to confirm."
            } else {
                ""
            }}
        </p>
    }
}
