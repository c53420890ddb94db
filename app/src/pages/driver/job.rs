//! The delivery a driver is on: pickup and drop-off on a map, and the two
//! big buttons.

use leptos::prelude::*;

use crate::api::error_message;
use crate::api::orders::change_order_status;
use crate::components::map::{LiveMap, MapMarker, MarkerKind};
use crate::model::{Order, OrderStatus};
use crate::realtime::events::LocationReport;

#[component]
pub fn ActiveJob(
    order: Order,
    here: Signal<Option<LocationReport>>,
    on_step: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let id = order.id;
    let step = Action::new(move |to: &OrderStatus| {
        let to = *to;
        async move { change_order_status(id, to.as_str().to_owned(), None).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = step.value().get() {
            on_step();
        }
    });
    let error = move || {
        step.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_message(&e))
    };
    let fixed = vec![
        MapMarker {
            key: "pickup".into(),
            kind: MarkerKind::Restaurant,
            lat: order.pickup.lat,
            lng: order.pickup.lng,
            label: order.restaurant.name.clone(),
        },
        MapMarker {
            key: "dropoff".into(),
            kind: MarkerKind::Dropoff,
            lat: order.dropoff.lat,
            lng: order.dropoff.lng,
            label: order.customer.name.clone(),
        },
    ];
    let markers = Signal::derive(move || {
        let mut all = fixed.clone();
        if let Some(me) = here.get() {
            all.push(MapMarker {
                key: "me".into(),
                kind: MarkerKind::Driver,
                lat: me.lat,
                lng: me.lng,
                label: "You".into(),
            });
        }
        all
    });
    let (label, next) = match order.status {
        OrderStatus::Ready => ("Picked up", Some(OrderStatus::OutForDelivery)),
        OrderStatus::OutForDelivery => ("Delivered", Some(OrderStatus::Delivered)),
        _ => ("Waiting for the kitchen…", None),
    };
    view! {
        <section class="card job" data-order-id=id data-status=order.status.as_str()>
            <div class="order-head">
                <h2>"Delivery #" {id}</h2>
                <span class="status-pill" data-status=order.status.as_str()>{order.status.label()}</span>
            </div>
            <p><strong>"Pick up: "</strong>{order.restaurant.name.clone()} " · " {order.pickup.address.clone()}</p>
            <p><strong>"Deliver to: "</strong>{order.customer.name.clone()} " · " {order.dropoff.address.clone()}</p>
            {order.note.clone().map(|n| view! { <p class="muted">"Note: " {n}</p> })}
            <LiveMap markers label="Pickup and drop-off" />
            <button class="btn btn-primary btn-xl btn-block" disabled=move || next.is_none() || step.pending().get()
                on:click=move |_| { if let Some(to) = next { step.dispatch(to); } }>
                {label}
            </button>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
        </section>
    }
}
