//! An order's status timeline: the happy path with the time of each step
//! reached, or where it ended (rejected, cancelled).

use leptos::prelude::*;

use super::local_time::LocalTime;
use model::{Order, OrderStatus};

#[component]
pub fn Timeline(order: Order) -> impl IntoView {
    let reached = |status: OrderStatus| order.history.iter().rev().find(|h| h.status == status);
    let current_index = OrderStatus::PATH.iter().position(|s| *s == order.status);
    let steps = OrderStatus::PATH
        .iter()
        .enumerate()
        .map(|(i, status)| {
            let entry = reached(*status);
            let state = match current_index {
                Some(c) if i < c => "done",
                Some(c) if i == c => "current",
                _ if entry.is_some() => "done",
                _ => "pending",
            };
            let time = entry.map(|h| h.at.clone());
            let by = entry
                .and_then(|h| h.by.clone())
                .filter(|_| *status != OrderStatus::Placed)
                .map(|p| p.name);
            // Who will take it out, until someone has ("by …" then) or
            // the order ended before (a cancelled order goes nowhere).
            let driver = (*status == OrderStatus::OutForDelivery
                && by.is_none()
                && !order.status.is_final())
            .then(|| order.driver.clone())
            .flatten();
            view! {
                <li class="step" data-status=status.as_str() data-state=state>
                    <span class="step-marker" aria-hidden="true"></span>
                    <span class="step-label">{status.label()}</span>
                    <span class="step-time">{time.map(|at| view! { <LocalTime at /> })}</span>
                    {by.map(|name| view! { <span class="step-by">"by " {name}</span> })}
                    {driver.map(|d| view! { <span class="step-by">"with " {d.name}</span> })}
                </li>
            }
        })
        .collect_view();
    let ended = order.status.is_final() && order.status != OrderStatus::Delivered;
    let end_entry = order
        .history
        .iter()
        .rev()
        .find(|h| h.status == order.status)
        .cloned();
    view! {
        <ol class="timeline" aria-label="Order progress" data-current=order.status.as_str()>{steps}</ol>
        {ended.then(|| view! {
            <p class="order-ended" role="status">
                <strong>{order.status.label()}</strong>
                {end_entry.as_ref().and_then(|h| h.by.as_ref()).map(|p| format!(" by {}", p.name))}
                {end_entry.and_then(|h| h.reason).map(|r| format!(": {r}"))}
            </p>
        })}
    }
}
