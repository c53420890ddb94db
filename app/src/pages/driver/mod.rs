//! The driver's home on a phone.

use leptos::prelude::*;

use crate::components::session::CurrentUser;

#[component]
pub fn DriverHome() -> impl IntoView {
    let user = CurrentUser::get().0;
    view! {
        <section class="driver-home">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.map(|u| view! { <h1>"Hi, " {u.name}</h1> })
                })}
            </Suspense>
            <div class="card driver-status" data-online="false">
                <p class="status-big">"You are offline"</p>
                <p class="muted">"Delivery offers reach you while you are online."</p>
            </div>
        </section>
    }
}
