//! The live order board: columns by status; a new order appears (with a
//! chime) the moment it is placed, and every step any staff member takes
//! moves the card on every board of the restaurant.

use crate::api::failure;
use crate::components::table::load_failed;
use leptos::prelude::*;

use crate::api::orders::{change_order_status, list_orders, recent_orders};
use crate::components::chat::ChatPanel;
use crate::components::confirm::ConfirmButton;
use crate::components::connection::Connection;
use crate::components::local_time::LocalTime;
use model::order_query::OrderQuery;
use model::{format_cents, OrderId, OrderStatus, OrderSummary};

const COLUMNS: [OrderStatus; 4] = [
    OrderStatus::Placed,
    OrderStatus::Confirmed,
    OrderStatus::Preparing,
    OrderStatus::Ready,
];

const REJECT_REASONS: &[&str] = &[
    "Too busy right now",
    "An item is unavailable",
    "Closing soon",
    "Cannot deliver there",
];

type StepAction = Action<(OrderId, OrderStatus, Option<String>), Result<(), crate::api::ApiError>>;

#[component]
pub fn Board() -> impl IntoView {
    let orders = Resource::new(|| (), |_| list_orders(OrderQuery::active()));
    let recent = Resource::new(|| (), |_| recent_orders());
    // The order whose chat is open beside the board.
    let chat: RwSignal<Option<OrderId>> = RwSignal::new(None);
    // Chat has its own panel: a message does not reload the board.
    Connection::get().on_order_change(move || {
        orders.refetch();
        recent.refetch();
    });
    let step: StepAction = Action::new(
        |(id, to, reason): &(OrderId, OrderStatus, Option<String>)| {
            let (id, to, reason) = (*id, *to, reason.clone());
            async move {
                change_order_status(id, to.as_str().to_owned(), reason)
                    .await
                    .map(|_| ())
            }
        },
    );
    Effect::new(move |_| {
        if step.value().get().is_some() {
            orders.refetch();
            recent.refetch();
        }
    });
    let step_error = failure(step);
    // A step's buttons wait for the board the step brings: between the
    // answer and the refetched list, a card still offers the step just
    // taken, and a double tap's second tap sent it again ("Order is
    // already preparing").
    let refreshing = RwSignal::new(false);
    // Only the browser's refreshes count. On the server the Transition
    // reports its first load as pending too, and when the cards rendered
    // before it settled they came disabled; hydration keeps the server's
    // attributes, so the buttons stayed dead until the board next
    // refreshed (one load in twenty, for minutes on a quiet evening).
    let set_refreshing = SignalSetter::map(move |pending: bool| {
        if cfg!(feature = "hydrate") {
            refreshing.set(pending);
        }
    });
    let busy = Signal::derive(move || step.pending().get() || refreshing.get());

    view! {
        <div class="page-head board-head">
            <div>
                <h1>"Order board"</h1>
                <p class="muted">"New orders appear here the moment they are placed."</p>
            </div>
            <a class="btn btn-ghost" href="/board/menu">"Edit menu"</a>
        </div>
        <Show when=move || step_error().is_some()>
            <p class="form-error" role="alert">{step_error}</p>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Loading orders…"</p> } set_pending=set_refreshing>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) => view! {
                        <div class="board">
                            {COLUMNS.into_iter().map(|status| {
                                let cards: Vec<OrderSummary> = list.iter().filter(|o| o.status == status).cloned().collect();
                                view! { <BoardColumn status cards step busy chat /> }
                            }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                recent.await.ok().map(|list| view! { <Recent list chat /> })
            })}
        </Transition>
        <Show when=move || chat.get().is_some()>
            <aside class="board-chat" aria-label="Order chat">
                <div class="board-chat-head">
                    <strong>"Order #" {move || chat.get().map(|id| id.to_string())}</strong>
                    <button class="btn btn-ghost" on:click=move |_| chat.set(None)>"Close"</button>
                </div>
                <ChatPanel order_id=Signal::derive(move || chat.get()) />
            </aside>
        </Show>
    }
}

#[component]
fn BoardColumn(
    status: OrderStatus,
    cards: Vec<OrderSummary>,
    step: StepAction,
    busy: Signal<bool>,
    chat: RwSignal<Option<OrderId>>,
) -> impl IntoView {
    let title = match status {
        OrderStatus::Placed => "New",
        other => other.label(),
    };
    let count = cards.len();
    view! {
        <section class="board-column" data-status=status.as_str() aria-label=title>
            <h2>{title} <span class="count">{count}</span></h2>
            {if cards.is_empty() {
                view! { <p class="muted empty-column">"No orders"</p> }.into_any()
            } else {
                cards.into_iter().map(|order| view! { <OrderCard order step busy chat /> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn OrderCard(
    order: OrderSummary,
    step: StepAction,
    busy: Signal<bool>,
    chat: RwSignal<Option<OrderId>>,
) -> impl IntoView {
    let id = order.id;
    let reason = RwSignal::new(REJECT_REASONS[0].to_owned());
    let next = match order.status {
        OrderStatus::Placed => Some((OrderStatus::Confirmed, "Confirm")),
        OrderStatus::Confirmed => Some((OrderStatus::Preparing, "Start preparing")),
        OrderStatus::Preparing => Some((OrderStatus::Ready, "Ready for pickup")),
        _ => None,
    };
    view! {
        <article class="order-card card" data-order-id=id.to_string() data-status=order.status.as_str()>
            <header class="order-card-head">
                <strong>"#" {id.to_string()}</strong>
                <span class="muted">"placed " <LocalTime at=order.created_at.clone() relative=true /></span>
            </header>
            <p class="order-items">{order.items.clone()}</p>
            {order.note.clone().map(|note| view! { <p class="order-note"><strong>"Note: "</strong>{note}</p> })}
            <p class="muted">{order.customer.name.clone()} " · " {format_cents(order.total_cents)}</p>
            {next.map(|(to, label)| view! {
                <button class="btn btn-primary btn-block" disabled=busy
                    on:click=move |_| { if !busy.get_untracked() { step.dispatch((id, to, None)); } }>{label}</button>
            })}
            {(order.status == OrderStatus::Placed).then(|| view! {
                <div class="reject">
                    <label class="sr-only" for=format!("reason-{id}")>"Reason"</label>
                    <select id=format!("reason-{id}") on:change=move |ev| reason.set(event_target_value(&ev))>
                        {REJECT_REASONS.iter().map(|r| view! { <option value=*r>{*r}</option> }).collect_view()}
                    </select>
                    <ConfirmButton label="Reject" question=format!("Reject order #{id}?") yes="Yes, reject"
                        danger=true busy
                        on_confirm=move || { step.dispatch((id, OrderStatus::Rejected, Some(reason.get_untracked()))); } />
                </div>
            })}
            <button class="link-button card-chat" on:click=move |_| chat.set(Some(id))>"Chat with the customer"</button>
        </article>
    }
}

/// Orders picked up in the last hour: off the board, but their chat is
/// still a tap away.
#[component]
fn Recent(list: Vec<OrderSummary>, chat: RwSignal<Option<OrderId>>) -> impl IntoView {
    let count = list.len();
    view! {
        <section class="recent card" aria-labelledby="recent-title">
            <h2 id="recent-title">"Recent " <span class="count">{count}</span></h2>
            <p class="muted">"Picked up in the last hour."</p>
            {if list.is_empty() {
                view! { <p class="muted empty-column">"No orders"</p> }.into_any()
            } else {
                view! {
                    <ul class="recent-list">
                        {list.into_iter().map(|o| {
                            let id = o.id;
                            view! {
                                <li data-order-id=id.to_string() data-status=o.status.as_str()>
                                    <strong>"#" {id.to_string()}</strong>
                                    <span class="status-pill" data-status=o.status.as_str()>{o.status.label()}</span>
                                    <span class="recent-who">{o.customer.name.clone()}</span>
                                    <span class="muted"><LocalTime at=o.updated_at.clone() relative=true /></span>
                                    <button class="link-button" on:click=move |_| chat.set(Some(id))>"Chat"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
