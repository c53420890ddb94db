use leptos::prelude::*;

use crate::api::error_message;
use crate::api::restaurants::list_restaurants;
use model::geo::{distance_m, format_distance, LatLng, CITY_CENTRE};
use model::Restaurant;

#[component]
pub fn Restaurants() -> impl IntoView {
    let restaurants = Resource::new(|| (), |_| list_restaurants());
    view! {
        <div class="page-head">
            <h1>"Restaurants near you"</h1>
            <p class="muted">"Lisbon city centre"</p>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading restaurants…"</p> }>
            {move || Suspend::new(async move {
                match restaurants.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">"No restaurants yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="restaurant-grid">
                            {list.into_iter().map(|r| view! { <RestaurantCard r /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RestaurantCard(r: Restaurant) -> impl IntoView {
    let href = format!("/restaurants/{}", r.id);
    let away = format_distance(distance_m(
        CITY_CENTRE,
        LatLng {
            lat: r.lat,
            lng: r.lng,
        },
    ));
    view! {
        <li class="card restaurant-card" data-restaurant-id=r.id>
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
                <p class="muted">{r.address}</p>
                <p class="distance">{away} " from the centre"</p>
            </a>
        </li>
    }
}
