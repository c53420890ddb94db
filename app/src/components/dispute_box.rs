//! On a delivered order, for its customer: report a problem (a dispute),
//! and see how it was settled, live.

use leptos::prelude::*;

use super::connection::Connection;
use crate::api::disputes::{file_dispute, list_disputes};
use crate::api::error_message;
use crate::model::dispute::{reason_label, resolution_label, Dispute, OpenDispute, REASONS};
use crate::model::format_cents;
use crate::realtime::events::{DISPUTE_OPENED, DISPUTE_RESOLVED};

#[component]
pub fn DisputeBox(order_id: i64) -> impl IntoView {
    let disputes = Resource::new(move || order_id, |id| list_disputes(Some(id)));
    Connection::get().on_event(move |event| {
        if (event.kind == DISPUTE_OPENED || event.kind == DISPUTE_RESOLVED)
            && event.order_id() == Some(order_id)
        {
            disputes.refetch();
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
            disputes.refetch();
        }
    });
    let error = move || {
        submit
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_message(&e))
    };

    view! {
        <section class="card dispute-box">
            <h2>"Problem with this order?"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = disputes.await.unwrap_or_default();
                    let has_open = list.iter().any(|d| d.status == "open");
                    view! {
                        <ul class="dispute-list">
                            {list.into_iter().map(|d| view! { <DisputeLine d /> }).collect_view()}
                        </ul>
                        {(!has_open).then(|| view! {
                            <form class="dispute-form" on:submit=move |ev| { ev.prevent_default(); submit.dispatch(()); }>
                                <label>"What went wrong"
                                    <select name="reason" on:change=move |ev| reason.set(event_target_value(&ev))
                                        prop:value=move || reason.get()>
                                        {REASONS.iter().map(|(code, label)| view! { <option value=*code>{*label}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>"Details"
                                    <textarea name="details" rows="3" maxlength="2000" prop:value=move || details.get()
                                        on:input=move |ev| details.set(event_target_value(&ev))></textarea>
                                </label>
                                <button class="btn btn-primary" type="submit" disabled=move || submit.pending().get()>"Open a dispute"</button>
                            </form>
                        })}
                    }
                })}
            </Transition>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
        </section>
    }
}

#[component]
fn DisputeLine(d: Dispute) -> impl IntoView {
    let outcome = match (&d.resolution, d.refund_cents) {
        (Some(r), Some(cents)) => format!("{} · {}", resolution_label(r), format_cents(cents)),
        (Some(r), None) => resolution_label(r).to_owned(),
        (None, _) => "Open: an admin will look at it".to_owned(),
    };
    view! {
        <li class="dispute-line" data-dispute-id=d.id data-status=d.status.clone()>
            <strong>{reason_label(&d.reason)}</strong>
            {(!d.details.is_empty()).then(|| view! { <span class="muted">" · " {d.details.clone()}</span> })}
            <p class="dispute-outcome">{outcome}</p>
            {d.note.clone().map(|n| view! { <p class="muted">"Note: " {n}</p> })}
        </li>
    }
}
