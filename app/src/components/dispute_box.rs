//! On a delivered order, for its customer: report a problem (a dispute),
//! and see how it was settled, live. Once a dispute is filed, its outcome
//! takes the form's place, with any refund and what the order cost net.
//! Admins see the same disputes and refunds on any order that has one,
//! each linked to its page.

use leptos::prelude::*;
use model::events::{DisputeOpened, DisputeResolved, Event};

use super::connection::Connection;
use crate::api::disputes::{file_dispute, list_disputes};
use crate::components::form_error::{FieldError, FormError, FormErrors};
use model::dispute::{reason_label, resolution_label, Dispute, OpenDispute, REASONS};
use model::{format_cents, OrderId};

/// `admin`: the order's disputes as an admin reads them (no form; nothing
/// at all when there are none).
#[component]
pub fn DisputeBox(order_id: OrderId, #[prop(optional)] admin: bool) -> impl IntoView {
    // Loaded in the browser, into a signal: this box is rebuilt whenever
    // its order changes, and a resource still loading in a box that is gone
    // would be read after disposal.
    let disputes = RwSignal::new(None::<Vec<Dispute>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_disputes(Some(order_id)).await {
                disputes.try_set(Some(list));
            }
        });
    };
    Effect::new(move |_| load());
    Connection::get().on_event(move |event| {
        let dispute = match &event.event {
            Event::DisputeOpened(DisputeOpened(d)) | Event::DisputeResolved(DisputeResolved(d)) => {
                d
            }
            _ => return,
        };
        if dispute.order_id == order_id {
            load();
        }
    });
    let reason = RwSignal::new(String::from("missing_item"));
    let details = RwSignal::new(String::new());
    let submit = Action::new(move |_: &()| {
        let input = OpenDispute {
            reason: reason.get_untracked(),
            details: details.get_untracked(),
        };
        async move { file_dispute(order_id, input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            details.set(String::new());
            load();
        }
    });
    let errors = FormErrors::new(
        format!("dispute-form-{order_id}"),
        &["reason", "details"],
        move || submit.value().get().and_then(|r| r.err()),
    );

    let filed = move || disputes.with(|l| l.as_ref().is_some_and(|l| !l.is_empty()));
    view! {
        <Show when=move || !admin || filed()>
        <section class="card dispute-box">
            <h2>{move || match (admin, filed()) {
                (true, _) => "Disputes",
                (false, true) => "Your dispute",
                (false, false) => "Problem with this order?",
            }}</h2>
            {move || disputes.get().map(|list| {
                    let filed = !list.is_empty();
                    let refunded: i64 = list
                        .iter()
                        .filter(|d| d.status == "resolved")
                        .filter_map(|d| d.refund_cents)
                        .sum();
                    let total = list.first().map(|d| d.order_total_cents).unwrap_or_default();
                    view! {
                        <ul class="dispute-list">
                            {list.into_iter().map(|d| view! { <DisputeLine d admin /> }).collect_view()}
                        </ul>
                        {(refunded > 0).then(|| view! {
                            <dl class="refund-total">
                                <dt>"Order total"</dt><dd>{format_cents(total)}</dd>
                                <dt>"Refunded"</dt><dd class="refund">{format_cents(-refunded)}</dd>
                                <dt>{if admin { "Customer paid" } else { "You paid" }}</dt><dd class="net"><strong>{format_cents(total - refunded)}</strong></dd>
                            </dl>
                        })}
                        {(!filed && !admin).then(|| view! {
                            <form class="dispute-form" id=format!("dispute-form-{order_id}") on:submit=move |ev| { ev.prevent_default(); submit.dispatch(()); }>
                                <label>"What went wrong"
                                    <select name="reason" on:change=move |ev| reason.set(event_target_value(&ev))
                                        prop:value=move || reason.get()>
                                        {REASONS.iter().map(|(code, label)| view! { <option value=*code>{*label}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>"Details"
                                    <textarea name="details" rows="3" maxlength="2000" prop:value=move || details.get()
                                        aria-invalid=errors.invalid("details")
                                        on:input=move |ev| details.set(event_target_value(&ev))></textarea>
                                </label>
                                <FieldError errors field="details" id=format!("dispute-details-{order_id}") />
                                <button class="btn btn-primary" type="submit" disabled=move || submit.pending().get()>"Open a dispute"</button>
                            </form>
                        })}
                    }
                })}
            <FormError message=errors.general() />
        </section>
        </Show>
    }
}

#[component]
fn DisputeLine(d: Dispute, admin: bool) -> impl IntoView {
    let outcome = match (&d.resolution, d.refund_cents, admin) {
        (Some(r), Some(cents), _) => format!("{} · {}", resolution_label(r), format_cents(cents)),
        (Some(r), None, _) => resolution_label(r).to_owned(),
        (None, _, true) => "Open".to_owned(),
        (None, _, false) => "Open: an admin will look at it".to_owned(),
    };
    let reason = reason_label(&d.reason);
    view! {
        <li class="dispute-line" data-dispute-id=d.id.to_string() data-status=d.status.clone()>
            {if admin {
                view! { <a href=format!("/admin/disputes/{}", d.id)><strong>{reason}</strong></a> }.into_any()
            } else {
                view! { <strong>{reason}</strong> }.into_any()
            }}
            {(!d.details.is_empty()).then(|| view! { <span class="muted">" · " {d.details.clone()}</span> })}
            <p class="dispute-outcome">{outcome}</p>
            {d.note.clone().map(|n| view! { <p class="muted">"Note: " {n}</p> })}
        </li>
    }
}
