//! Every order, past ones too: found by number, customer, email or
//! restaurant, narrowed by status, a page at a time. The filters live in
//! the URL, so a reload, a shared link or the back button shows the same
//! list.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::orders::list_orders;
use crate::components::connection::Connection;
use crate::components::local_time::LocalTime;
use crate::components::pager::{pages, Pager};
use crate::components::paid::Paid;
use crate::components::table::{load_failed, table_of, Column};
use model::order_query::OrderQuery;
use model::OrderStatus;

/// Orders on one page.
const PAGE: i64 = 50;

const COLUMNS: &[Column] = &[
    Column::Shown("Order"),
    Column::Shown("Placed"),
    Column::Shown("Restaurant"),
    Column::Shown("Customer"),
    Column::Shown("Total"),
    Column::Shown("Status"),
];

#[component]
pub fn AdminOrders() -> impl IntoView {
    let params = use_query_map();
    let wanted = Memo::new(move |_| {
        let p = params.read();
        OrderQuery {
            q: p.get("q"),
            status: p.get("status"),
            before: p.get("before").and_then(|b| b.parse().ok()),
            limit: Some(PAGE),
            active: None,
        }
    });
    let orders = Resource::new(move || wanted.get(), list_orders);
    Connection::get().on_order_change(move || orders.refetch());
    let searched = move || wanted.with(|w| w.q.clone().unwrap_or_default());
    // A status the URL names that is not one reads as "Any status" (the
    // list says what is wrong with it).
    let status = move || {
        wanted.with(|w| {
            w.status
                .as_deref()
                .and_then(OrderStatus::parse)
                .map_or("", OrderStatus::as_str)
        })
    };
    view! {
        <div class="page-head"><h1>"Orders"</h1></div>
        <Form method="GET" action="/admin/orders" attr:class="browse-controls list-search order-search" attr:role="search">
            <label>"Search"
                <input type="search" name="q" maxlength="100" autocomplete="off"
                    placeholder="Number, name, email or restaurant"
                    prop:value=searched />
            </label>
            <label>"Status"
                <select name="status" prop:value=status>
                    <option value="">"Any status"</option>
                    {OrderStatus::ALL.map(|s| view! {
                        <option value=s.as_str() selected=move || status() == s.as_str()>{s.label()}</option>
                    }).into_iter().collect_view()}
                </select>
            </label>
            <button class="btn" type="submit">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let query = wanted.get_untracked();
                Suspend::new(async move {
                match orders.await {
                    Ok(list) => {
                        let (newest, older) = pages(
                            "/admin/orders",
                            query.before,
                            list.last().map(|o| o.id.0),
                            list.len() as i64 == PAGE,
                            |before| OrderQuery { before, limit: None, ..query.clone() }.to_query_string(),
                        );
                        let table = table_of("orders-table all-orders", COLUMNS, "No orders match.", list, |o| view! {
                            <tr data-order-id=o.id.to_string() data-status=o.status.as_str()>
                                <td data-label="Order"><a href=format!("/admin/orders/{}", o.id)>"#" {o.id.to_string()}</a></td>
                                <td data-label="Placed"><LocalTime at=o.created_at.clone() /></td>
                                <td data-label="Restaurant">{o.restaurant.name}</td>
                                <td data-label="Customer">{o.customer.name}</td>
                                <td data-label="Total"><Paid total=o.total_cents refunded=o.refunded_cents /></td>
                                <td data-label="Status"><span class="status-pill" data-status=o.status.as_str()>{o.status.label()}</span></td>
                            </tr>
                        });
                        view! {
                            {table}
                            <Pager newest older />
                        }.into_any()
                    }
                    Err(e) => load_failed(&e),
                }
            })}}
        </Transition>
    }
}
