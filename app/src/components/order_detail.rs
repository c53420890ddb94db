//! One order, live: its timeline, lines and totals, and the steps the
//! viewer may take. It reloads from the server whenever an event about it
//! arrives, so what it shows is always the stored truth.

use crate::api::failure;
use crate::components::table::load_failed;
use leptos::prelude::*;

use super::chat::ChatPanel;
use super::confirm::ConfirmButton;
use super::connection::Connection;
use super::delivery_map::DeliveryMap;
use super::dispute_box::DisputeBox;
use super::timeline::Timeline;
use crate::api::orders::{change_order_status, get_order};
use crate::api::ApiError;
use crate::error::AppError;
use model::{format_cents, next_steps, Order, OrderId, OrderStatus, Role};

#[component]
pub fn OrderDetail(#[prop(into)] id: Signal<Option<OrderId>>, role: Role) -> impl IntoView {
    let order = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_order(id).await,
                None => Err(AppError::NotFound("order").into()),
            }
        },
    );
    Connection::get().on_event(move |event| {
        // Chat has its own panel: a message does not reload the order.
        if event.is_logged() && !event.event.is_chat() && event.order_id() == id.get_untracked() {
            order.refetch();
        }
    });
    let step = Action::new(move |(to, reason): &(OrderStatus, Option<String>)| {
        let (to, reason) = (*to, reason.clone());
        async move {
            let Some(id) = id.get_untracked() else {
                return Ok(());
            };
            change_order_status(id, to.as_str().to_owned(), reason)
                .await
                .map(|_| ())
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = step.value().get() {
            order.refetch();
        }
    });
    let step_error = failure(step);

    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading order…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => view! { <OrderView order role step step_error /> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Suspense>
        <ChatPanel order_id=id read_only=role == Role::Admin />
    }
}

#[component]
fn OrderView(
    order: Order,
    role: Role,
    step: Action<(OrderStatus, Option<String>), Result<(), ApiError>>,
    step_error: impl Fn() -> Option<String> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    // Restaurant staff work orders on the board; here they only read.
    let actions: Vec<OrderStatus> = match role {
        Role::Customer | Role::Admin => next_steps(role, order.status),
        _ => Vec::new(),
    };
    view! {
        <div class="order-layout" data-order-id=order.id.to_string() data-status=order.status.as_str()>
            <section class="card">
                <div class="order-head">
                    <h1>"Order #" {order.id.to_string()}</h1>
                    <span class="status-pill" data-status=order.status.as_str()>{order.status.label()}</span>
                </div>
                <p class="muted">{order.restaurant.name.clone()} " → " {order.dropoff.address.clone()}</p>
                <Timeline order=order.clone() />
                {(order.driver.is_some() && !order.status.is_final())
                    .then(|| view! { <DeliveryMap order=order.clone() /> })}
                {(!actions.is_empty()).then(|| view! {
                    <div class="order-actions">
                        {actions.into_iter().map(|to| if to == OrderStatus::Cancelled {
                            view! {
                                <ConfirmButton label="Cancel order" question="Cancel this order?" yes="Yes, cancel order"
                                    danger=true busy=Signal::derive(move || step.pending().get())
                                    on_confirm=move || { step.dispatch((to, None)); } />
                            }.into_any()
                        } else {
                            view! {
                                <button class="btn btn-ghost" disabled=move || step.pending().get()
                                    on:click=move |_| { step.dispatch((to, None)); }>
                                    {to.label()}
                                </button>
                            }.into_any()
                        }).collect_view()}
                    </div>
                })}
                <Show when=move || step_error().is_some()>
                    <p class="form-error" role="alert">{step_error}</p>
                </Show>
            </section>
            <section class="card">
                // Only the customer's order is "yours"; staff and admins see its items.
                <h2>{if role == Role::Customer { "Your order" } else { "Items" }}</h2>
                <ul class="order-lines">
                    {order.items.iter().map(|l| view! {
                        <li><span>{l.quantity} "× " {l.name.clone()}</span><span class="price">{format_cents(l.line_total_cents)}</span></li>
                    }).collect_view()}
                </ul>
                <dl class="totals">
                    <dt>"Subtotal"</dt><dd>{format_cents(order.subtotal_cents)}</dd>
                    <dt>"Delivery"</dt><dd>{format_cents(order.delivery_fee_cents)}</dd>
                    <dt class="total">"Total"</dt><dd class="total">{format_cents(order.total_cents)}</dd>
                </dl>
                {order.note.clone().map(|n| view! { <p class="muted">"Note: " {n}</p> })}
                <p class="muted">"Customer: " {order.customer.name.clone()}</p>
            </section>
            {(role == Role::Customer && order.status == OrderStatus::Delivered)
                .then(|| view! { <DisputeBox order_id=order.id /> })}
            {(role == Role::Admin).then(|| view! { <DisputeBox order_id=order.id admin=true /> })}
        </div>
    }
}
