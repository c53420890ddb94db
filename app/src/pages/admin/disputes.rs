//! The dispute queue (live) and one dispute with its order's timeline and
//! chat, where an admin resolves it.

use crate::components::table::{load_failed, table_of, Column};
use leptos::prelude::*;

use crate::components::local_time::LocalTime;
use leptos_router::hooks::use_params_map;
use model::events::{DisputeOpened, DisputeResolved, Event};

use crate::api::disputes::{dispute_by_id, list_disputes, settle_dispute};
use crate::api::ApiError;
use crate::components::connection::Connection;
use crate::components::form_error::{FieldError, FormError, FormErrors};
use crate::components::order_detail::OrderDetail;
use crate::error::AppError;
use model::dispute::{reason_label, resolution_label, Dispute, ResolveDispute, RESOLUTIONS};
use model::{format_cents, parse_euros, DisputeId, Role};

/// Runs `refetch` when a dispute opens or closes (`only`: just that one).
fn follow_disputes(only: Option<Signal<Option<DisputeId>>>, refetch: impl Fn() + 'static) {
    Connection::get().on_event(move |event| {
        let id = match &event.event {
            Event::DisputeOpened(DisputeOpened(d)) | Event::DisputeResolved(DisputeResolved(d)) => {
                d.id
            }
            _ => return,
        };
        if only.is_none_or(|only| only.get_untracked() == Some(id)) {
            refetch();
        }
    });
}

const COLUMNS: &[Column] = &[
    Column::Shown("Dispute"),
    Column::Shown("Opened"),
    Column::Shown("Order"),
    Column::Shown("Customer"),
    Column::Shown("Reason"),
    Column::Shown("Status"),
];

#[component]
pub fn DisputeQueue() -> impl IntoView {
    let disputes = Resource::new(|| (), |_| list_disputes(None));
    follow_disputes(None, move || disputes.refetch());
    view! {
        <div class="page-head"><h1>"Disputes"</h1></div>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match disputes.await {
                    Ok(list) => table_of("orders-table disputes-table", COLUMNS, "No disputes.", list, |d| view! {
                        <tr data-dispute-id=d.id.to_string() data-status=d.status.clone()>
                            <td data-label="Dispute"><a href=format!("/admin/disputes/{}", d.id)>"#" {d.id.to_string()}</a></td>
                            <td data-label="Opened"><LocalTime at=d.created_at.clone() /></td>
                            <td data-label="Order">"#" {d.order_id.to_string()} " · " {d.restaurant_name.clone()}</td>
                            <td data-label="Customer">{d.customer.name.clone()}</td>
                            <td data-label="Reason">{reason_label(&d.reason)}</td>
                            <td data-label="Status"><span class="status-pill" data-status=d.status.clone()>{status_text(&d)}</span></td>
                        </tr>
                    }),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

fn status_text(d: &Dispute) -> String {
    match (&d.resolution, d.refund_cents) {
        (Some(r), Some(c)) => format!("{} · {}", resolution_label(r), format_cents(c)),
        (Some(r), None) => resolution_label(r).to_owned(),
        (None, _) => "Open".to_owned(),
    }
}

#[component]
pub fn AdminDispute() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<DisputeId>().ok())
    });
    let dispute = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => dispute_by_id(id).await,
                None => Err(AppError::NotFound("dispute").into()),
            }
        },
    );
    follow_disputes(Some(id), move || dispute.refetch());
    let order_of = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => dispute_by_id(id).await.map(|d| d.order_id),
                None => Err(AppError::NotFound("dispute").into()),
            }
        },
    );
    view! {
        <p><a href="/admin/disputes">"← Disputes"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dispute.await {
                    Ok(d) => view! { <DisputeCard d on_resolved=move || dispute.refetch() /> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
        // The order, under its own <Suspense> and from a resource that is never
        // refetched: the server and the browser render the same page, and a
        // resolved dispute does not tear down the order's live view.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                order_of.await.ok().map(|order_id| view! {
                    <OrderDetail id=Signal::stored(Some(order_id)) role=Role::Admin />
                })
            })}
        </Suspense>
    }
}

#[component]
fn DisputeCard(d: Dispute, on_resolved: impl Fn() + Send + Sync + Copy + 'static) -> impl IntoView {
    let id = d.id;
    let total = d.order_total_cents;
    let resolution = RwSignal::new(String::from("full_refund"));
    let euros = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    // A refund that is not a number never leaves the page.
    let local_error = RwSignal::new(None::<ApiError>);
    let resolve = Action::new(move |input: &ResolveDispute| {
        let input = input.clone();
        async move { settle_dispute(id, input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = resolve.value().get() {
            on_resolved();
        }
    });
    // Resolved once is resolved: until the card is rebuilt from the
    // server's answer, the form takes no second submit (a double tap's
    // second would only meet "already resolved").
    let settled = move || resolve.pending().get() || matches!(resolve.value().get(), Some(Ok(_)));
    let submit = move || {
        if untrack(settled) {
            return;
        }
        let refund_cents = if resolution.get_untracked() == "partial_refund" {
            match parse_euros(&euros.get_untracked()) {
                Some(c) => Some(c),
                None => {
                    local_error.set(Some(
                        AppError::invalid(
                            "refundCents",
                            "enter the refund as a positive amount in euros, e.g. 3.50",
                        )
                        .into(),
                    ));
                    return;
                }
            }
        } else {
            None
        };
        local_error.set(None);
        resolve.dispatch(ResolveDispute {
            resolution: resolution.get_untracked(),
            refund_cents,
            note: note.get_untracked(),
        });
    };
    let errors = FormErrors::new(
        format!("resolve-{id}"),
        &["resolution", "refundCents", "note"],
        move || {
            local_error
                .get()
                .or_else(|| resolve.value().get().and_then(|r| r.err()))
        },
    );
    let open = d.status == "open";
    view! {
        <section class="card dispute-card" data-dispute-id=id.to_string() data-status=d.status.clone()>
            <div class="order-head">
                <h1>"Dispute #" {id.to_string()}</h1>
                <span class="status-pill" data-status=d.status.clone()>{status_text(&d)}</span>
            </div>
            <p><strong>{reason_label(&d.reason)}</strong> " · order #" {d.order_id.to_string()} " · " {d.restaurant_name.clone()} " · total " {format_cents(total)}</p>
            <p class="dispute-details">{if d.details.is_empty() { "No details given.".to_owned() } else { d.details.clone() }}</p>
            <p class="muted">"Opened by " {d.customer.name.clone()} " at " <LocalTime at=d.created_at.clone() /></p>
            {d.resolved_by.clone().map(|by| view! {
                <p class="muted">"Resolved by " {by.name} " at " {d.resolved_at.clone().map(|at| view! { <LocalTime at /> })}
                    {d.note.clone().map(|n| format!(": {n}"))}</p>
            })}
            {open.then(|| view! {
                <form class="resolve-form" id=format!("resolve-{id}") on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <label>"Resolution"
                        <select name="resolution" prop:value=move || resolution.get() on:change=move |ev| resolution.set(event_target_value(&ev))
                            aria-invalid=errors.invalid("resolution")>
                            {RESOLUTIONS.iter().map(|(code, label)| view! { <option value=*code>{*label}</option> }).collect_view()}
                        </select>
                    </label>
                    <FieldError errors field="resolution" id=format!("resolve-{id}-resolution") />
                    <Show when=move || resolution.get() == "partial_refund">
                        <label>"Refund (€, at most " {format_cents(total)} ")"
                            <input name="refundCents" inputmode="decimal" prop:value=move || euros.get() on:input=move |ev| euros.set(event_target_value(&ev))
                                aria-invalid=errors.invalid("refundCents") aria-describedby=format!("resolve-{id}-refund") />
                        </label>
                        <FieldError errors field="refundCents" id=format!("resolve-{id}-refund") />
                    </Show>
                    <label>"Note to the customer"
                        <textarea name="note" rows="2" maxlength="1000" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))
                            aria-invalid=errors.invalid("note")></textarea>
                    </label>
                    <FieldError errors field="note" id=format!("resolve-{id}-note") />
                    <button class="btn btn-primary" type="submit" disabled=settled>"Resolve"</button>
                </form>
            })}
            <FormError message=errors.general() />
        </section>
    }
    .into_any()
}
