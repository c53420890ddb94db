use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::cart::CartPanel;
use crate::api::error_message;
use crate::api::restaurants::get_restaurant;
use crate::components::cart_store::CartStore;
use model::{format_cents, MenuItem};

#[component]
pub fn Menu() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let restaurant = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_restaurant(id).await,
            None => Err(crate::error::AppError::NotFound("restaurant").into()),
        }
    });
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
                                view! {
                                    <div class="page-head">
                                        <h1>{r.restaurant.name.clone()}</h1>
                                        <p class="muted">{r.restaurant.cuisine.clone()} " · " {r.restaurant.address.clone()}</p>
                                        {(!open).then(|| view! { <p class="notice">"Closed right now: ordering opens again soon."</p> })}
                                    </div>
                                    <ul class="menu-list">
                                        {r.menu.into_iter().map(|item| view! { <MenuRow item restaurant_name=name.clone() open /> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                            Err(e) => view! { <p class="form-error" role="alert">{error_message(&e)}</p> }.into_any(),
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
    let can_add = open && item.available;
    let label = format!("Add {} to cart", item.name);
    let for_cart = item.clone();
    view! {
        <li class="card menu-item" class:unavailable=!item.available data-menu-item-id=item.id>
            <div>
                <h2>{item.name.clone()}</h2>
                <p class="muted">{item.description.clone()}</p>
                {(!item.available).then(|| view! { <p class="badge badge-closed">"Sold out"</p> })}
            </div>
            <div class="menu-buy">
                <span class="price">{format_cents(item.price_cents)}</span>
                <button class="btn btn-primary" disabled=!can_add aria-label=label
                    on:click=move |_| cart.update(|c| c.add(&for_cart, &restaurant_name))>
                    "Add"
                </button>
            </div>
        </li>
    }
}
