use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::error_message;
use crate::api::restaurants::get_restaurant;
use crate::model::format_cents;

#[component]
pub fn Menu() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let restaurant = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_restaurant(id).await,
            None => Err(ServerFnError::ServerError("restaurant not found".into())),
        }
    });
    view! {
        <p><a href="/restaurants">"← All restaurants"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading menu…"</p> }>
            {move || Suspend::new(async move {
                match restaurant.await {
                    Ok(r) => view! {
                        <div class="page-head">
                            <h1>{r.restaurant.name.clone()}</h1>
                            <p class="muted">{r.restaurant.cuisine.clone()} " · " {r.restaurant.address.clone()}</p>
                        </div>
                        <ul class="menu-list">
                            {r.menu.into_iter().map(|item| view! {
                                <li class="card menu-item" class:unavailable=!item.available>
                                    <div>
                                        <h2>{item.name}</h2>
                                        <p class="muted">{item.description}</p>
                                    </div>
                                    <span class="price">{format_cents(item.price_cents)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
