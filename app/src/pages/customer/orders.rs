use crate::components::table::load_failed;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::orders::list_orders;
use crate::api::ApiError;
use crate::components::connection::Connection;
use crate::components::order_detail::OrderDetail;
use crate::components::pager::{pages, shown, url_number, Pager};
use crate::components::paid::Paid;
use model::order_query::OrderQuery;
use model::{OrderId, Role};

/// Follow one order live.
#[component]
pub fn Tracking() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<OrderId>().ok())
    });
    view! {
        <p><a href="/orders">"← My orders"</a></p>
        <OrderDetail id role=Role::Customer />
    }
}

/// Orders on one page of "My orders".
const PAGE: i64 = 30;

/// Past and active orders, newest first, a page at a time; statuses and
/// refunds update live.
#[component]
pub fn MyOrders() -> impl IntoView {
    let params = use_query_map();
    let wanted = Memo::new(move |_| -> Result<OrderQuery, ApiError> {
        Ok(OrderQuery {
            before: url_number(params.read().get("before"), "before")?,
            // One more than shown: whether an older page exists.
            limit: Some(PAGE + 1),
            ..OrderQuery::default()
        })
    });
    let orders = Resource::new(
        move || wanted.get(),
        |wanted| async move { list_orders(wanted?).await },
    );
    Connection::get().on_order_change(move || orders.refetch());
    view! {
        <div class="page-head"><h1>"My orders"</h1></div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let query = wanted.get_untracked().unwrap_or_default();
                Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() && query.before.is_none() => view! {
                        <p class="empty-state">"No orders yet. " <a href="/restaurants">"Find something tasty"</a></p>
                    }.into_any(),
                    Ok(mut list) => {
                        let full = shown(&mut list, PAGE);
                        let (newest, older) = pages(
                            "/orders",
                            query.before,
                            list.last().map(|o| o.id.0),
                            full,
                            |before| OrderQuery { before, ..OrderQuery::default() }.to_query_string(),
                        );
                        let none_older = list.is_empty();
                        view! {
                        {none_older.then(|| view! { <p class="muted">"No older orders."</p> })}
                        <ul class="order-list">
                            {list.into_iter().map(|o| view! {
                                <li class="card order-row" data-order-id=o.id.to_string() data-status=o.status.as_str()>
                                    <a href=format!("/orders/{}", o.id) class="card-link">
                                        <strong>"#" {o.id.to_string()} " · " {o.restaurant.name}</strong>
                                        <span class="status-pill" data-status=o.status.as_str()>{o.status.label()}</span>
                                        <span class="muted">{o.items}</span>
                                        <Paid total=o.total_cents refunded=o.refunded_cents />
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                        <Pager newest older />
                    }.into_any() }
                    Err(e) => load_failed(&e),
                }
            })}}
        </Suspense>
    }
}
