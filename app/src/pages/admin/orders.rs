//! Every order, past ones too: found by number, customer, email or
//! restaurant, narrowed by status, a page at a time. The filters live in
//! the URL, so a reload, a shared link or the back button shows the same
//! list.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::orders::list_orders;
use crate::api::ApiError;
use crate::components::connection::Connection;
use crate::components::pager::{pages, shown, url_number, Pager};
use crate::components::table::load_failed;
use model::order_query::OrderQuery;
use model::OrderStatus;

/// Orders on one page.
const PAGE: i64 = 50;

#[component]
pub fn AdminOrders() -> impl IntoView {
    let params = use_query_map();
    // What the URL asks for; a `before` that is not a number is said where
    // the list would be, as the API's own refusals are.
    let wanted = Memo::new(move |_| -> Result<OrderQuery, ApiError> {
        let p = params.read();
        Ok(OrderQuery {
            q: p.get("q"),
            status: p.get("status"),
            before: url_number(p.get("before"), "before")?,
            // One more than shown: whether an older page exists.
            limit: Some(PAGE + 1),
            active: None,
        })
    });
    let orders = Resource::new(
        move || wanted.get(),
        |wanted| async move { list_orders(wanted?).await },
    );
    Connection::get().on_order_change(move || orders.refetch());
    // The form's fields, as typed; from the URL at first and again when it
    // changes. A status that is not one reads as "Any status" (the list
    // says what is wrong with it).
    let fields = move || {
        params.with(|p| {
            let status = p.get("status");
            let status = status.as_deref().and_then(OrderStatus::parse);
            (
                p.get("q").unwrap_or_default(),
                status.map_or("", OrderStatus::as_str).to_owned(),
            )
        })
    };
    let (q, status) = untrack(fields);
    let (typed, chosen) = (RwSignal::new(q), RwSignal::new(status));
    Effect::new(move |_| {
        let (q, status) = fields();
        typed.set(q);
        chosen.set(status);
    });
    let navigate = use_navigate();
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = OrderQuery {
            q: Some(typed.get_untracked()),
            status: Some(chosen.get_untracked()),
            ..OrderQuery::default()
        };
        navigate(
            &format!("/admin/orders{}", query.to_query_string()),
            Default::default(),
        );
    };
    view! {
        <div class="page-head"><h1>"Orders"</h1></div>
        // Without the app (not yet loaded) the form asks the server itself.
        <form method="get" action="/admin/orders" class="browse-controls list-search order-search" role="search" on:submit=search>
            <label>"Search"
                <input type="search" name="q" maxlength="100" autocomplete="off"
                    placeholder="Number, name, email or restaurant"
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
            </label>
            <label>"Status"
                <select name="status" prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"Any status"</option>
                    {OrderStatus::ALL.map(|s| view! {
                        <option value=s.as_str() selected=move || chosen.with(|c| c == s.as_str())>{s.label()}</option>
                    }).into_iter().collect_view()}
                </select>
            </label>
            <button class="btn" type="submit">"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let query = wanted.get_untracked().unwrap_or_default();
                Suspend::new(async move {
                match orders.await {
                    Ok(mut list) => {
                        let full = shown(&mut list, PAGE);
                        let (newest, older) = pages(
                            "/admin/orders",
                            query.before,
                            list.last().map(|o| o.id.0),
                            full,
                            |before| OrderQuery { before, limit: None, ..query.clone() }.to_query_string(),
                        );
                        let table = super::orders_table("orders-table all-orders", "No orders match.", list);
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
