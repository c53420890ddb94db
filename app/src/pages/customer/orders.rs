use crate::components::table::load_failed;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::orders::list_orders;
use crate::components::connection::Connection;
use crate::components::order_detail::OrderDetail;
use model::{format_cents, OrderId, Role};

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

/// Past and active orders, newest first; statuses update live.
#[component]
pub fn MyOrders() -> impl IntoView {
    let orders = Resource::new(|| (), |_| list_orders(false));
    Connection::get().on_event(move |event| {
        if event.is_logged() && event.order_id().is_some() {
            orders.refetch();
        }
    });
    view! {
        <div class="page-head"><h1>"My orders"</h1></div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">"No orders yet. " <a href="/restaurants">"Find something tasty"</a></p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="order-list">
                            {list.into_iter().map(|o| view! {
                                <li class="card order-row" data-order-id=o.id.to_string() data-status=o.status.as_str()>
                                    <a href=format!("/orders/{}", o.id) class="card-link">
                                        <strong>"#" {o.id.to_string()} " · " {o.restaurant.name}</strong>
                                        <span class="status-pill" data-status=o.status.as_str()>{o.status.label()}</span>
                                        <span class="muted">{o.items}</span>
                                        <span class="price">{format_cents(o.total_cents)}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Suspense>
    }
}
