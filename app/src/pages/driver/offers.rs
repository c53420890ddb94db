//! Offer cards: they arrive live, count down, say what the delivery pays,
//! and say what became of them (taken by another driver, expired,
//! cancelled). A driver may decline one: it goes, and never comes back.

use leptos::prelude::*;

use crate::api::driver::{accept_offer, decline_offer};
use crate::api::error_message;
use crate::components::connection::LiveEvent;
use model::events::{DeliveryOffer, Event};
use model::time::parse_rfc3339;
use model::{format_cents, OrderId};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OfferState {
    Open,
    Taken,
    Expired,
    Cancelled,
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    pub offer: DeliveryOffer,
    pub state: OfferState,
}

#[derive(Clone, Copy)]
pub struct Offers {
    pub cards: RwSignal<Vec<Card>>,
    /// Milliseconds since the epoch, ticking every second in the browser.
    now: RwSignal<i64>,
}

impl Offers {
    pub fn new() -> Offers {
        let now = RwSignal::new(0);
        #[cfg(feature = "hydrate")]
        {
            now.set(js_sys::Date::now() as i64);
            let _ = set_interval_with_handle(
                move || now.set(js_sys::Date::now() as i64),
                std::time::Duration::from_secs(1),
            );
        }
        Offers {
            cards: RwSignal::new(Vec::new()),
            now,
        }
    }

    /// Adds the open offers the server lists that are not shown yet.
    pub fn merge(&self, list: &[DeliveryOffer]) {
        self.cards.update(|cards| {
            for offer in list {
                if !cards.iter().any(|c| c.offer.order_id == offer.order_id) {
                    cards.push(Card {
                        offer: offer.clone(),
                        state: OfferState::Open,
                    });
                }
            }
        });
    }

    pub fn apply(&self, event: &LiveEvent) {
        match &event.event {
            Event::DeliveryOffer(offer) => {
                self.cards.update(|cards| {
                    cards.retain(|c| c.offer.order_id != offer.order_id);
                    cards.insert(
                        0,
                        Card {
                            offer: offer.clone(),
                            state: OfferState::Open,
                        },
                    );
                });
            }
            // Declined on another of the driver's devices.
            Event::OfferWithdrawn(w) if w.reason == "declined" => self.remove(w.order_id),
            // Taken on another of the driver's devices: it is their job
            // now (a driver hears only of their own assignments).
            Event::DeliveryAssigned(a) => self.remove(a.order_id),
            Event::OfferWithdrawn(w) => {
                let state = match w.reason.as_str() {
                    "taken" => OfferState::Taken,
                    "expired" => OfferState::Expired,
                    _ => OfferState::Cancelled,
                };
                self.set_state(w.order_id, state);
            }
            _ => {}
        }
    }

    fn set_state(&self, order_id: OrderId, state: OfferState) {
        self.cards.update(|cards| {
            if let Some(card) = cards.iter_mut().find(|c| c.offer.order_id == order_id) {
                card.state = state;
            }
        });
    }

    fn remove(&self, order_id: OrderId) {
        self.cards
            .update(|cards| cards.retain(|c| c.offer.order_id != order_id));
    }
}

fn metres(m: i64) -> String {
    model::geo::format_distance(m as f64)
}

#[component]
pub fn OfferCard(
    card: Card,
    offers: Offers,
    /// On a delivery: one at a time, so no offer can be taken now.
    on_job: Signal<bool>,
    on_accepted: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let order_id = card.offer.order_id;
    let accept = Action::new(move |_: &()| async move { accept_offer(order_id).await });
    let decline = Action::new(move |_: &()| async move { decline_offer(order_id).await });
    Effect::new(move |_| match decline.value().get() {
        Some(Ok(())) => offers.remove(order_id),
        Some(Err(e)) => offers.set_state(order_id, OfferState::Failed(error_message(&e))),
        None => {}
    });
    let answering = move || accept.pending().get() || decline.pending().get();
    Effect::new(move |_| match accept.value().get() {
        Some(Ok(_)) => {
            offers.remove(order_id);
            on_accepted();
        }
        Some(Err(e)) => offers.set_state(
            order_id,
            if e.code() == "taken" {
                OfferState::Taken
            } else {
                OfferState::Failed(error_message(&e))
            },
        ),
        None => {}
    });
    let offer = card.offer.clone();
    let expires = parse_rfc3339(&offer.expires_at).unwrap_or(0);
    let now = offers.now;
    let left = move || ((expires - now.get()) / 1000).max(0);
    let state = card.state.clone();
    let closed = match &state {
        OfferState::Open => None,
        OfferState::Taken => Some("Another driver took this delivery.".to_owned()),
        OfferState::Expired => Some("This offer expired.".to_owned()),
        OfferState::Cancelled => Some("The order was cancelled.".to_owned()),
        OfferState::Failed(m) => Some(m.clone()),
    };
    let is_open = closed.is_none();
    view! {
        <li class="card offer-card" data-order-id=order_id.to_string() data-state=format!("{state:?}").to_lowercase()>
            <div class="offer-head">
                // Several offers of one restaurant read alike but for this.
                <strong>{offer.restaurant_name.clone()}<span class="muted">{format!(" · #{order_id}")}</span></strong>
                {is_open.then(|| view! { <span class="countdown" aria-label="Seconds left">{move || format!("{} s", left())}</span> })}
            </div>
            <p class="offer-pay">"You earn " <strong>{format_cents(offer.pay_cents)}</strong></p>
            <p class="offer-route">
                {offer.pickup_distance_m.map(|m| format!("{} to pickup · ", metres(m)))}
                {format!("{} to the customer", metres(offer.distance_m))}
            </p>
            <p class="muted">"Deliver to " {offer.dropoff.address.clone()}</p>
            {match closed {
                None => view! {
                    <Show when=move || on_job.get()>
                        <p class="muted offer-wait">"Finish the delivery you are on to take this one."</p>
                    </Show>
                    <div class="offer-actions">
                        <button class="btn btn-ghost btn-lg" disabled=move || answering() || left() == 0
                            on:click=move |_| { decline.dispatch(()); }>
                            "Decline"
                        </button>
                        <button class="btn btn-primary btn-lg" disabled=move || answering() || left() == 0 || on_job.get()
                            on:click=move |_| { accept.dispatch(()); }>
                            {move || if left() == 0 { "Expired" } else { "Accept" }}
                        </button>
                    </div>
                }.into_any(),
                Some(message) => view! {
                    <p class="offer-closed" role="status">{message}</p>
                    <button class="btn btn-ghost btn-block" on:click=move |_| offers.remove(order_id)>"Dismiss"</button>
                }.into_any(),
            }}
        </li>
    }
}
