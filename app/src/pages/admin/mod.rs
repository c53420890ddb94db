//! Admin operations.

use leptos::prelude::*;

use crate::api::admin::admin_overview;
use crate::api::error_message;

#[component]
pub fn Operations() -> impl IntoView {
    let overview = Resource::new(|| (), |_| admin_overview());
    view! {
        <div class="page-head">
            <h1>"Operations"</h1>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <div class="stats">
                            <div class="card stat">
                                <span class="stat-value" data-stat="sockets">{o.sockets_on_this_node}</span>
                                <span class="stat-label">"Live connections (this node)"</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-value" data-stat="restaurants">{o.restaurants}</span>
                                <span class="stat-label">"Restaurants"</span>
                            </div>
                            {o.users_by_role.into_iter().map(|(role, n)| view! {
                                <div class="card stat">
                                    <span class="stat-value" data-stat=role.as_str()>{n}</span>
                                    <span class="stat-label">{role.label()} " accounts"</span>
                                </div>
                            }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
