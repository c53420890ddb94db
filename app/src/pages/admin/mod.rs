//! Admin operations: figures and every active order, live; every order;
//! disputes; users.

mod disputes;
mod orders;
mod users;

pub use disputes::{AdminDispute, DisputeQueue};
pub use orders::AdminOrders;
pub use users::AdminUsers;

use crate::components::table::{load_failed, table_of, Column};
use leptos::prelude::*;

use crate::components::local_time::LocalTime;
use leptos_router::hooks::use_params_map;

use crate::api::admin::admin_overview;
use crate::api::orders::list_orders;
use crate::components::connection::Connection;
use crate::components::order_detail::OrderDetail;
use crate::components::paid::Paid;
use model::order_query::OrderQuery;
use model::words::noun;
use model::{OrderSummary, Role};

const ORDER_COLUMNS: &[Column] = &[
    Column::Shown("Order"),
    Column::Shown("Placed"),
    Column::Shown("Restaurant"),
    Column::Shown("Customer"),
    Column::Shown("Total"),
    Column::Shown("Status"),
];

/// Orders as an admin's table: a row each (a card each on a phone), the
/// number linked to the order's page. `empty` stands in for no orders.
fn orders_table(class: &'static str, empty: &'static str, list: Vec<OrderSummary>) -> AnyView {
    table_of(class, ORDER_COLUMNS, empty, list, |o| {
        view! {
            <tr data-order-id=o.id.to_string() data-status=o.status.as_str()>
                <td data-label="Order"><a href=format!("/admin/orders/{}", o.id)>"#" {o.id.to_string()}</a></td>
                <td data-label="Placed"><LocalTime at=o.created_at.clone() /></td>
                <td data-label="Restaurant">{o.restaurant.name}</td>
                <td data-label="Customer">{o.customer.name}</td>
                <td data-label="Total"><Paid total=o.total_cents refunded=o.refunded_cents /></td>
                <td data-label="Status"><span class="status-pill" data-status=o.status.as_str()>{o.status.label()}</span></td>
            </tr>
        }
    })
}

#[component]
pub fn Operations() -> impl IntoView {
    let overview = Resource::new(|| (), |_| admin_overview());
    let orders = Resource::new(|| (), |_| list_orders(OrderQuery::active()));
    Connection::get().on_order_change(move || {
        orders.refetch();
        overview.refetch();
    });
    // Connections, drivers and events per minute change without an event of
    // their own: the figures are read again every 5 seconds.
    #[cfg(feature = "hydrate")]
    {
        // The figures the page was rendered with do not count this page's
        // own socket: read them again once it is connected, and after a
        // reconnect.
        let hello = Connection::get().hello;
        Effect::new(move |rendered: Option<()>| {
            if hello.with(Option::is_some) && rendered.is_some() {
                overview.refetch();
            }
        });
        let handle = set_interval_with_handle(
            move || overview.refetch(),
            std::time::Duration::from_secs(5),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    view! {
        <div class="page-head">
            <h1>"Operations"</h1>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => {
                        let sockets: i64 = o.sockets_by_role.iter().map(|r| r.count).sum();
                        let by_role = o.sockets_by_role.iter().map(|r| r.role.count(r.count)).collect::<Vec<_>>().join(" · ");
                        let accounts: i64 = o.users_by_role.iter().map(|r| r.count).sum();
                        let accounts_by_role = o.users_by_role.iter().map(|r| r.role.count(r.count)).collect::<Vec<_>>().join(" · ");
                        let by_status = o.active_orders_by_status.iter().map(|s| format!("{} {}", s.count, s.status.label().to_lowercase())).collect::<Vec<_>>().join(" · ");
                        view! {
                        <div class="stats">
                            <div class="card stat">
                                <span class="stat-value" data-stat="sockets">{sockets}</span>
                                <span class="stat-label">"Live connections"</span>
                                <span class="stat-detail">{by_role}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-value" data-stat="online-drivers">{o.online_drivers}</span>
                                <span class="stat-label">{noun(o.online_drivers, "Driver online", "Drivers online")}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-value" data-stat="active-orders">{o.active_orders}</span>
                                <span class="stat-label">{noun(o.active_orders, "Active order", "Active orders")}</span>
                                <span class="stat-detail">{by_status}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-value" data-stat="open-disputes">{o.open_disputes}</span>
                                <span class="stat-label">{noun(o.open_disputes, "Open dispute", "Open disputes")}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-value" data-stat="events-per-minute">{o.events_last_minute}</span>
                                <span class="stat-label">{noun(o.events_last_minute, "Event in the last minute", "Events in the last minute")}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-value" data-stat="restaurants">{o.restaurants}</span>
                                <span class="stat-label">{noun(o.restaurants, "Restaurant", "Restaurants")}</span>
                                <span class="stat-detail" data-stat="accounts">{model::words::count(accounts, "account", "accounts")} ": " {accounts_by_role}</span>
                            </div>
                        </div>
                    }.into_any() },
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
        <OperationsMap orders />
        <div class="section-head">
            <h2>"Active orders"</h2>
            <a class="btn btn-ghost" href="/admin/orders">"All orders →"</a>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) => orders_table("orders-table", "No active orders.", list),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

/// Any order, as an admin sees it.
#[component]
pub fn AdminOrder() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<model::OrderId>().ok())
    });
    view! {
        <p><a href="/admin/orders">"← Orders"</a></p>
        <OrderDetail id role=Role::Admin />
    }
}

/// Every online driver (moving live) and every active order's drop-off.
#[component]
fn OperationsMap(
    orders: Resource<Result<Vec<model::OrderSummary>, crate::api::ApiError>>,
) -> impl IntoView {
    use crate::api::driver::fleet_positions;
    use crate::components::map::{LiveMap, MapMarker, MarkerKind};
    use model::events::DriverPosition;
    use std::collections::BTreeMap;

    let drivers = RwSignal::new(BTreeMap::<model::UserId, DriverPosition>::new());
    // The map is drawn in the browser only: it reads the orders through an
    // effect, so the server and the hydrating browser render the same text.
    let mapped = RwSignal::new(Vec::<model::OrderSummary>::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = orders.get() {
            mapped.set(list);
        }
    });
    let initial = Resource::new(|| (), |_| fleet_positions());
    // The server's list is the truth about who is online (a driver whose
    // position expired is gone from it): read it again every 5 seconds, and
    // keep any live position newer than the snapshot.
    Effect::new(move |_| {
        if let Some(Ok(list)) = initial.get() {
            drivers.update(|d| {
                let mut fresh = BTreeMap::new();
                for p in list {
                    let newer = d.get(&p.driver_id).filter(|live| live.at > p.at).cloned();
                    fresh.insert(p.driver_id, newer.unwrap_or(p));
                }
                *d = fresh;
            });
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let handle =
            set_interval_with_handle(move || initial.refetch(), std::time::Duration::from_secs(5))
                .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    Connection::get().on(move |p: &DriverPosition, _| {
        drivers.update(|d| {
            d.insert(p.driver_id, p.clone());
        });
    });
    let markers = Signal::derive(move || {
        let mut all: Vec<MapMarker> = drivers
            .get()
            .values()
            .map(|p| MapMarker {
                key: format!("driver-{}", p.driver_id),
                kind: MarkerKind::Driver,
                lat: p.lat,
                lng: p.lng,
                label: p.name.clone(),
            })
            .collect();
        mapped.with(|list| {
            all.extend(list.iter().map(|o| MapMarker {
                key: format!("order-{}", o.id),
                kind: MarkerKind::Dropoff,
                lat: o.dropoff.lat,
                lng: o.dropoff.lng,
                label: format!("#{} {}", o.id, o.status.label()),
            }));
        });
        all
    });
    view! {
        <h2 class="section-title">"Live map"</h2>
        <p class="muted">
            <span data-stat="online-drivers">{move || drivers.with(|d| d.len())}</span>
            {move || noun(drivers.with(|d| d.len()) as i64, " driver online · ", " drivers online · ")}
            <span data-stat="mapped-orders">{move || mapped.with(Vec::len)}</span>
            {move || noun(mapped.with(Vec::len) as i64, " active order", " active orders")}
        </p>
        <LiveMap markers label="Drivers and active orders" />
    }
}
