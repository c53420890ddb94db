//! Live notifications on every page: a toast per lifecycle change of your
//! orders, and for restaurant staff a chime when a new order arrives.

use leptos::prelude::*;

use super::connection::Connection;
use super::session::CurrentUser;
use super::toast::Toasts;
use crate::model::{format_cents, OrderStatus, Role};
use crate::realtime::events::{
    OrderCreated, OrderStatusChanged, CHAT_MESSAGE, DISPUTE_OPENED, DISPUTE_RESOLVED,
    ORDER_CREATED, ORDER_STATUS_CHANGED, SYSTEM_ANNOUNCEMENT,
};

#[component]
pub fn LiveNotifications() -> impl IntoView {
    let connection = Connection::get();
    let toasts = Toasts::get();
    let user = CurrentUser::get().0;
    connection.on_event(move |event| {
        let Some(role) = user.get_untracked().flatten().map(|u| u.role) else {
            return;
        };
        match event.kind.as_str() {
            ORDER_STATUS_CHANGED => {
                let Some(change) = event.decode::<OrderStatusChanged>() else {
                    return;
                };
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
                toasts.show(title, body);
            }
            // Staff work from the board: a customer's or driver's message is a toast there.
            CHAT_MESSAGE if role == Role::Restaurant => {
                if let Some(m) = event.decode::<crate::model::chat::ChatMessage>() {
                    if m.sender_role != Role::Restaurant {
                        toasts.show(format!("{} · order #{}", m.sender.name, m.order_id), m.body);
                    }
                }
            }
            SYSTEM_ANNOUNCEMENT => {
                if let Some(a) = event.decode::<crate::model::admin::Announcement>() {
                    toasts.show(format!("Announcement from {}", a.from), a.message);
                }
            }
            DISPUTE_RESOLVED if role == Role::Customer => {
                let Some(d) = event.decode::<crate::model::dispute::Dispute>() else {
                    return;
                };
                let outcome =
                    crate::model::dispute::resolution_label(d.resolution.as_deref().unwrap_or(""));
                let body = match d.refund_cents {
                    Some(cents) => format!("{outcome}: {}", format_cents(cents)),
                    None => outcome.to_owned(),
                };
                toasts.show(format!("Your dispute about order #{}", d.order_id), body);
            }
            DISPUTE_OPENED if role == Role::Admin => {
                if let Some(d) = event.decode::<crate::model::dispute::Dispute>() {
                    toasts.show(
                        format!("New dispute #{}", d.id),
                        format!(
                            "Order #{} · {}",
                            d.order_id,
                            crate::model::dispute::reason_label(&d.reason)
                        ),
                    );
                }
            }
            ORDER_CREATED if role == Role::Restaurant => {
                let Some(created) = event.decode::<OrderCreated>() else {
                    return;
                };
                toasts.show(
                    format!("New order #{}", created.order_id),
                    format!(
                        "{} · {}",
                        created.order.items,
                        format_cents(created.order.total_cents)
                    ),
                );
                chime();
            }
            _ => {}
        }
    });
}

/// A short two-tone chime (Web Audio), so staff hear a new order. Browsers
/// may mute it until the page has had a click; the toast still shows.
fn chime() {
    #[cfg(feature = "hydrate")]
    {
        let Ok(audio) = web_sys::AudioContext::new() else {
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
