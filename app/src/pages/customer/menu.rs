//! A restaurant's menu, live: an item its staff add or edit (price,
//! availability, name) shows within a second (`menu:watch`), and the cart
//! beside it flags the lines it affects.

use std::collections::HashMap;

use crate::components::table::load_failed;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::cart::{CartPanel, LiveMenu};
use crate::api::restaurants::get_restaurant;
use crate::components::cart_store::CartStore;
use crate::components::connection::Connection;
use model::events::MenuItemChanged;
use model::{format_cents, MenuItem, MenuItemId, RestaurantId};

#[component]
pub fn Menu() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<RestaurantId>().ok())
    };
    let restaurant = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_restaurant(id).await,
            None => Err(crate::error::AppError::NotFound("restaurant").into()),
        }
    });
    // The menu as read, then every change pushed while it is open.
    let base = RwSignal::new(None::<(RestaurantId, Vec<MenuItem>)>);
    let changes = RwSignal::new(HashMap::<MenuItemId, MenuItemChanged>::new());
    let current = Memo::new(move |_| {
        base.get().map(|(restaurant_id, mut menu)| {
            changes.with(|changes| {
                for item in &mut menu {
                    if let Some(c) = changes.get(&item.id) {
                        *item = c.item();
                    }
                }
                // Added while the page is open: at the end, as staff added them.
                let mut added: Vec<_> = changes
                    .values()
                    .filter(|c| !menu.iter().any(|i| i.id == c.item_id))
                    .map(MenuItemChanged::item)
                    .collect();
                added.sort_by_key(|i| i.id);
                menu.extend(added);
            });
            (restaurant_id, menu)
        })
    });
    provide_context(LiveMenu(current.into()));
    Connection::get().on(move |c: &MenuItemChanged, _| {
        if id() == Some(c.restaurant_id) {
            changes.update(|all| {
                all.insert(c.item_id, c.clone());
            });
        }
    });
    let live = watch::follow(Signal::derive(id));
    view! {
        <p><a href="/restaurants">"← All restaurants"</a></p>
        <div class="menu-layout">
            <div>
                <Suspense fallback=|| view! { <p class="muted">"Loading menu…"</p> }>
                    {move || Suspend::new(async move {
                        match restaurant.await {
                            Ok(r) => {
                                let name = r.restaurant.name.clone();
                                let open = r.restaurant.open;
                                base.set(Some((r.restaurant.id, r.menu.clone())));
                                view! {
                                    <div class="page-head">
                                        <h1>{r.restaurant.name.clone()}</h1>
                                        <p class="muted">{r.restaurant.cuisine.clone()} " · " {r.restaurant.address.clone()}</p>
                                        {(!open).then(|| view! { <p class="notice">"Closed right now: ordering opens again soon."</p> })}
                                    </div>
                                    <ul class="menu-list" data-live=move || live.get().to_string()>
                                        <For each=move || current.get().map(|(_, menu)| menu).unwrap_or_default()
                                            key=|item| item.id
                                            children=move |item| view! { <MenuRow item restaurant_name=name.clone() open /> } />
                                    </ul>
                                }.into_any()
                            }
                            Err(e) => load_failed(&e),
                        }
                    })}
                </Suspense>
            </div>
            <CartPanel />
        </div>
        <CartBar />
    }
}

/// Phones: the cart sits below the whole menu, so a bar at the bottom of
/// the screen counts what is in it and leads there.
#[component]
fn CartBar() -> impl IntoView {
    let cart = CartStore::get().0;
    let count = move || cart.with(|c| c.count());
    view! {
        <Show when=move || { count() > 0 }>
            <div class="cart-bar" role="status" aria-live="polite">
                <span class="cart-bar-sum">
                    {move || model::words::count(count(), "item", "items")}
                    " · "
                    {move || format_cents(cart.with(|c| c.subtotal_cents()))}
                </span>
                <a class="btn btn-primary" href="#cart">"View cart"</a>
            </div>
        </Show>
    }
}

#[component]
fn MenuRow(item: MenuItem, restaurant_name: String, open: bool) -> impl IntoView {
    let cart = CartStore::get().0;
    let live = use_context::<LiveMenu>();
    let id = item.id;
    // The item as it is now: what the page read, then what was pushed.
    let read = item.clone();
    let now = Memo::new(move |_| {
        live.and_then(|l| l.item(id))
            .unwrap_or_else(|| read.clone())
    });
    let available = move || now.with(|i| i.available);
    view! {
        <li class="card menu-item" class:unavailable=move || !available() data-menu-item-id=id.to_string()
            data-available=move || available().to_string()>
            <div>
                <h2>{move || now.with(|i| i.name.clone())}</h2>
                <p class="muted">{move || now.with(|i| i.description.clone())}</p>
                <Show when=move || !available()>
                    <p class="badge badge-closed">"Sold out"</p>
                </Show>
            </div>
            <div class="menu-buy">
                <span class="price">{move || now.with(|i| format_cents(i.price_cents))}</span>
                <button class="btn btn-primary" disabled=move || !(open && available()) aria-label=move || now.with(|i| format!("Add {} to cart", i.name))
                    on:click=move |_| {
                        let item = now.get_untracked();
                        cart.update(|c| c.add(&item, &restaurant_name));
                    }>
                    "Add"
                </button>
            </div>
        </li>
    }
}

/// Following the menu's changes while the page is open (browser only).
mod watch {
    use leptos::prelude::*;

    /// Watches `restaurant` on every (re)connection of the socket: a socket
    /// that reconnects starts in no menu room. True while it is watched.
    pub fn follow(restaurant: Signal<Option<model::RestaurantId>>) -> ReadSignal<bool> {
        let (live, set_live) = signal(false);
        #[cfg(feature = "hydrate")]
        {
            use crate::client::socket::send;
            use model::requests::{UnwatchMenu, WatchMenu};
            let hello = crate::components::connection::Connection::get().hello;
            Effect::new(move |_| {
                let connected = hello.with(Option::is_some);
                set_live.set(false);
                if let (true, Some(restaurant_id)) = (connected, restaurant.get()) {
                    leptos::task::spawn_local(async move {
                        let watched = send(&WatchMenu { restaurant_id }).await.is_ok();
                        set_live.try_set(watched);
                    });
                }
            });
            on_cleanup(|| {
                leptos::task::spawn_local(async {
                    let _ = send(&UnwatchMenu {}).await;
                });
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (restaurant, set_live);
        live
    }
}
