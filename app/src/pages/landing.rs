use leptos::prelude::*;

use crate::components::session::CurrentUser;

#[component]
pub fn Landing() -> impl IntoView {
    let user = CurrentUser::get().0;
    view! {
        <section class="hero">
            <div class="hero-text">
                <h1>"Order food, then watch it come to you."</h1>
                <p class="lead">
                    "Mealstream shows every step live: the kitchen confirms, your meal is prepared, "
                    "and the driver's marker moves on the map until it reaches your door."
                </p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Some(user) => view! {
                                <a class="btn btn-primary btn-lg" href=user.role.home()>
                                    "Continue as " {user.name}
                                </a>
                            }.into_any(),
                            None => view! {
                                // Visitors browse first and sign in at checkout; on a
                                // phone the header has no room for the link.
                                <div class="cta">
                                    <a class="btn btn-primary btn-lg" href="/restaurants">"Browse restaurants"</a>
                                    <a class="btn btn-ghost btn-lg" href="/register">"Create an account"</a>
                                </div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
            <ul class="hero-steps" aria-label="How an order moves">
                <li><span class="step-dot placed"></span>"Placed"</li>
                <li><span class="step-dot confirmed"></span>"Confirmed by the kitchen"</li>
                <li><span class="step-dot preparing"></span>"Being prepared"</li>
                <li><span class="step-dot out"></span>"Out for delivery"</li>
                <li><span class="step-dot delivered"></span>"Delivered"</li>
            </ul>
        </section>
        <section class="features">
            <article class="card">
                <h2>"For customers"</h2>
                <p>"Browse restaurants, order in a few taps and follow your order in real time."</p>
            </article>
            <article class="card">
                <h2>"For restaurants"</h2>
                <p>"A live order board: new orders arrive the moment they are placed."</p>
            </article>
            <article class="card">
                <h2>"For drivers"</h2>
                <p>"Offers on your phone, nearest first. Share your position while you deliver."</p>
            </article>
        </section>
    }
}
