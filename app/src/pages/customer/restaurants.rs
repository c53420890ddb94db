//! Restaurants to order from: nearest first from where the customer wants
//! their food, with a search by name, cuisine or dish. Open to visitors.

use crate::components::table::load_failed;
use leptos::prelude::*;

use crate::api::restaurants::list_restaurants;
use crate::components::address_picker::AddressPicker;
use crate::components::address_store::AddressStore;
use model::geo::{distance_m, format_distance, LatLng};
use model::Restaurant;

#[component]
pub fn Restaurants() -> impl IntoView {
    let restaurants = Resource::new(|| (), |_| list_restaurants());
    let address = AddressStore::get();
    let query = RwSignal::new(String::new());
    view! {
        <div class="page-head">
            <h1>"Restaurants near you"</h1>
        </div>
        <div class="browse-controls">
            <AddressPicker id="browse-address" />
            <label>"Search"
                <input type="search" placeholder="A restaurant, a cuisine or a dish"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading restaurants…"</p> }>
            {move || Suspend::new(async move {
                match restaurants.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">"No restaurants yet."</p>
                    }.into_any(),
                    Ok(list) => view! { <Nearest list address query /> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Suspense>
    }
}

/// Whether `r` answers the search `q` (lower case, already trimmed).
fn matches(r: &Restaurant, q: &str) -> bool {
    [&r.name, &r.cuisine, &r.dishes]
        .iter()
        .any(|field| field.to_lowercase().contains(q))
}

#[component]
fn Nearest(list: Vec<Restaurant>, address: AddressStore, query: RwSignal<String>) -> impl IntoView {
    let shown = move || {
        let here = address.point();
        let q = query.get().trim().to_lowercase();
        let mut found: Vec<(f64, Restaurant)> = list
            .iter()
            .filter(|r| q.is_empty() || matches(r, &q))
            .map(|r| {
                (
                    distance_m(
                        here,
                        LatLng {
                            lat: r.lat,
                            lng: r.lng,
                        },
                    ),
                    r.clone(),
                )
            })
            .collect();
        found.sort_by(|a, b| a.0.total_cmp(&b.0));
        found
    };
    move || {
        let found = shown();
        if found.is_empty() {
            return view! {
                <p class="empty-state" role="status">{format!("Nothing matches “{}”.", query.get().trim())}</p>
            }
            .into_any();
        }
        view! {
            <ul class="restaurant-grid">
                {found.into_iter().map(|(away, r)| view! { <RestaurantCard r away /> }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

#[component]
fn RestaurantCard(r: Restaurant, away: f64) -> impl IntoView {
    let href = format!("/restaurants/{}", r.id);
    view! {
        <li class="card restaurant-card" data-restaurant-id=r.id.to_string()>
            <a href=href class="card-link">
                <div class="restaurant-head">
                    <h2>{r.name}</h2>
                    {if r.open {
                        view! { <span class="badge badge-open">"Open"</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-closed">"Closed"</span> }.into_any()
                    }}
                </div>
                <p class="cuisine">{r.cuisine}</p>
                <p class="muted dishes">{r.dishes}</p>
                <p class="distance">{format_distance(away)} " away"</p>
            </a>
        </li>
    }
}
