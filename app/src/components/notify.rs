//! Live notifications on every page: a toast per lifecycle change of your
//! orders, and for restaurant staff a chime when a new order arrives (with
//! a "click to enable sound" button while the browser keeps it muted).

use leptos::prelude::*;

use super::bell::order_href;
use super::connection::Connection;
use super::session::CurrentUser;
use super::toast::Toasts;
use model::events::{DisputeOpened, DisputeResolved, Event};
use model::{format_cents, OrderStatus, Role};

#[component]
pub fn LiveNotifications() -> impl IntoView {
    let connection = Connection::get();
    let toasts = Toasts::get();
    let current = CurrentUser::get();
    // A signal, not the resource: events arrive after hydration, outside
    // any <Suspense>.
    let user = current.after_hydration();
    let sound_on = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    sound::enable_on_first_gesture(sound_on);
    connection.on_event(move |event| {
        let Some(role) = user.get_untracked().map(|u| u.role) else {
            return;
        };
        match &event.event {
            Event::OrderStatusChanged(change) => {
                // Customers hear of every step; staff only of cancellations
                // (the other steps they take themselves); admins and drivers
                // watch their lists.
                let wanted = match role {
                    Role::Customer => true,
                    Role::Restaurant => change.to == OrderStatus::Cancelled,
                    Role::Driver | Role::Admin => false,
                };
                if !wanted {
                    return;
                }
                let title = format!("Order #{} · {}", change.order_id, change.restaurant_name);
                let body = if role == Role::Customer {
                    change.to.customer_message().to_owned()
                } else {
                    format!("{} → {}", change.from.label(), change.to.label())
                };
                let body = match &change.reason {
                    Some(reason) => format!("{body} ({reason})"),
                    None => body,
                };
                toasts.show_linked(title, body, Some(order_href(role, change.order_id)));
            }
            // Staff work from the board: a customer's or driver's message is a toast there.
            Event::ChatMessage(m)
                if role == Role::Restaurant && m.sender_role != Role::Restaurant =>
            {
                toasts.show_linked(
                    format!("{} · order #{}", m.sender.name, m.order_id),
                    m.body.clone(),
                    Some(order_href(role, m.order_id)),
                );
            }
            Event::SystemAnnouncement(a) => {
                toasts.show(format!("Announcement from {}", a.from), a.message.clone());
            }
            Event::DisputeResolved(DisputeResolved(d)) if role == Role::Customer => {
                let outcome =
                    model::dispute::resolution_label(d.resolution.as_deref().unwrap_or(""));
                let body = match d.refund_cents {
                    Some(cents) => format!("{outcome}: {}", format_cents(cents)),
                    None => outcome.to_owned(),
                };
                toasts.show_linked(
                    format!("Your dispute about order #{}", d.order_id),
                    body,
                    Some(order_href(role, d.order_id)),
                );
            }
            Event::DisputeOpened(DisputeOpened(d)) if role == Role::Admin => {
                toasts.show_linked(
                    format!("New dispute #{}", d.id),
                    format!(
                        "Order #{} · {}",
                        d.order_id,
                        model::dispute::reason_label(&d.reason)
                    ),
                    Some(order_href(role, d.order_id)),
                );
            }
            Event::OrderCreated(created) if role == Role::Restaurant => {
                toasts.show_linked(
                    format!("New order #{}", created.order_id),
                    format!(
                        "{} · {}",
                        created.order.items,
                        format_cents(created.order.total_cents)
                    ),
                    Some(order_href(role, created.order_id)),
                );
                chime();
            }
            _ => {}
        }
    });
    let is_staff = move || {
        current
            .after_hydration()
            .with(|u| u.as_ref().is_some_and(|u| u.role == Role::Restaurant))
    };
    view! {
        <Show when=move || is_staff() && !sound_on.get()>
            <button type="button" class="btn sound-off" title="The browser mutes sound until you click the page"
                on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    sound::enable(sound_on);
                }>
                "🔇 Click to enable sound for new orders"
            </button>
        </Show>
    }
}

/// Browsers let a page make sound only once someone clicked it: the audio
/// context is made on the first click or key press, never before (making
/// it earlier only earns a console warning and silence).
#[cfg(feature = "hydrate")]
mod sound {
    use std::cell::RefCell;

    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    thread_local! {
        static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
    }

    /// The context, if sound is allowed by now.
    pub fn running() -> Option<web_sys::AudioContext> {
        AUDIO.with(|a| {
            a.borrow()
                .clone()
                .filter(|c| c.state() == web_sys::AudioContextState::Running)
        })
    }

    /// Called from a click or key press: makes (or resumes) the context.
    pub fn enable(on: RwSignal<bool>) {
        let context = AUDIO.with(|a| {
            let mut a = a.borrow_mut();
            if a.is_none() {
                *a = web_sys::AudioContext::new().ok();
            }
            a.clone()
        });
        let Some(context) = context else { return };
        if context.state() == web_sys::AudioContextState::Running {
            on.set(true);
            return;
        }
        if let Ok(resumed) = context.resume() {
            leptos::task::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(resumed).await.is_ok();
                on.try_set(ok && running().is_some());
            });
        }
    }

    pub fn enable_on_first_gesture(on: RwSignal<bool>) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        for kind in ["pointerdown", "keydown"] {
            let handler = Closure::<dyn FnMut()>::new(move || {
                if on.try_get_untracked() == Some(false) {
                    enable(on);
                }
            });
            let _ =
                document.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
            // One listener per page load, for the life of the page.
            handler.forget();
        }
    }
}

/// A short two-tone chime (Web Audio), so staff hear a new order. While
/// the browser keeps the page muted, the toast still shows and the "click
/// to enable sound" button stays up.
fn chime() {
    #[cfg(feature = "hydrate")]
    {
        let Some(audio) = sound::running() else {
            return;
        };
        let now = audio.current_time();
        for (i, freq) in [880.0_f32, 1320.0].into_iter().enumerate() {
            let (Ok(osc), Ok(gain)) = (audio.create_oscillator(), audio.create_gain()) else {
                return;
            };
            osc.frequency().set_value(freq);
            let start = now + i as f64 * 0.18;
            gain.gain().set_value(0.0);
            let _ = gain.gain().linear_ramp_to_value_at_time(0.2, start + 0.02);
            let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.16);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&audio.destination());
            let _ = osc.start_with_when(start);
            let _ = osc.stop_with_when(start + 0.2);
        }
    }
}
