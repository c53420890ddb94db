//! "Today": the deliveries of the driver's own day (their time zone, known
//! only to the browser) and what they earned.

use leptos::prelude::*;

use crate::components::local_time::LocalTime;
use model::time::parse_rfc3339;
use model::words::count;
use model::{format_cents, Delivered};

#[component]
pub fn Today(delivered: Signal<Vec<Delivered>>) -> impl IntoView {
    // Local midnight, set once hydrated: the server cannot know it.
    let day_start = RwSignal::new(None::<i64>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let midnight = js_sys::Date::new_0();
        midnight.set_hours(0);
        midnight.set_minutes(0);
        midnight.set_seconds(0);
        midnight.set_milliseconds(0);
        day_start.set(Some(midnight.get_time() as i64));
    });
    let today = Memo::new(move |_| {
        let start = day_start.get()?;
        Some(delivered.with(|all| {
            all.iter()
                .filter(|d| parse_rfc3339(&d.delivered_at).is_some_and(|at| at >= start))
                .cloned()
                .collect::<Vec<_>>()
        }))
    });
    view! {
        <section class="card today" aria-labelledby="today-title" data-ready=move || today.with(|t| t.is_some()).to_string()>
            <h2 id="today-title">"Today"</h2>
            {move || today.get().map(|list| {
                let earned: i64 = list.iter().map(|d| d.pay_cents).sum();
                let n = list.len() as i64;
                view! {
                    <p class="today-figures">
                        <strong class="today-count">{count(n, "delivery", "deliveries")}</strong>
                        " · "
                        <strong class="today-earned">{format_cents(earned)}</strong>
                        " earned"
                    </p>
                    <ul class="today-list">
                        {list.into_iter().map(|d| view! {
                            <li data-order-id=d.order_id.to_string()>
                                <LocalTime at=d.delivered_at />
                                <span class="today-place">{d.restaurant_name}</span>
                                <span class="today-pay">{format_cents(d.pay_cents)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}
