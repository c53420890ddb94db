//! The delivery a driver is on: pickup and drop-off on a map, and its two
//! steps. "Picked up" is a tap under the map; "delivered" cannot be undone,
//! so it is a hold, above the map: a double tap on "Picked up" lands on
//! the map, never on "delivered".

use crate::api::failure;
use leptos::prelude::*;

use crate::api::orders::change_order_status;
use crate::components::confirm::HoldButton;
use crate::components::map::{route_markers, LiveMap, MapMarker, MarkerKind};
use model::requests::LocationReport;
use model::{format_cents, Order, OrderStatus};

#[component]
pub fn ActiveJob(
    order: Order,
    /// What the delivery pays the driver.
    pay: Signal<Option<i64>>,
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
    let error = failure(step);
    let markers = route_markers(&order, order.customer.name.clone(), move || {
        here.get()
            .map(|me| MapMarker::new("me", MarkerKind::Driver, me.lat, me.lng, "You"))
    });
    // A step that went through leaves this card stale until the screen
    // reloads it: no second tap in between.
    let busy = Signal::derive(move || {
        step.pending().get() || step.value().with(|v| matches!(v, Some(Ok(_))))
    });
    let status = order.status;
    view! {
        <section class="card job" data-order-id=id.to_string() data-status=order.status.as_str()>
            <div class="order-head">
                <h2>"Delivery #" {id.to_string()}</h2>
                <span class="status-pill" data-status=order.status.as_str()>{order.status.label()}</span>
            </div>
            <p><strong>"Pick up: "</strong>{order.restaurant.name.clone()} " · " {order.pickup.address.clone()}</p>
            <p><strong>"Deliver to: "</strong>{order.customer.name.clone()} " · " {order.dropoff.address.clone()}</p>
            {order.note.clone().map(|n| view! { <p class="muted">"Note: " {n}</p> })}
            {move || pay.get().filter(|p| *p > 0).map(|p| view! { <p class="job-pay">"You earn " <strong>{format_cents(p)}</strong></p> })}
            {(status == OrderStatus::OutForDelivery).then(|| view! {
                <div class="job-deliver">
                    <HoldButton label="Hold to confirm delivery" busy
                        on_confirm=move || { step.dispatch(OrderStatus::Delivered); } />
                </div>
            })}
            <LiveMap markers label="Pickup and drop-off" />
            {match status {
                OrderStatus::Ready => view! {
                    <button class="btn btn-primary btn-xl btn-block" disabled=move || busy.get()
                        on:click=move |_| { step.dispatch(OrderStatus::OutForDelivery); }>
                        "Picked up"
                    </button>
                }.into_any(),
                OrderStatus::OutForDelivery => view! {
                    <p class="muted job-next">"Hand the order over, then hold the button above the map."</p>
                }.into_any(),
                _ => view! {
                    <button class="btn btn-primary btn-xl btn-block" disabled=true>"Waiting for the kitchen…"</button>
                }.into_any(),
            }}
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
        </section>
    }
}
