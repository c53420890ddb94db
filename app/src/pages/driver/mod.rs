//! The driver's phone: go online (sharing the position), take an offer,
//! pick up and deliver. Made for a 390 px wide screen.

mod job;
mod offers;

use leptos::prelude::*;

use crate::api::driver::load_driver_home;
use crate::api::error_message;
use crate::components::chat::ChatPanel;
use crate::components::connection::Connection;
use crate::components::session::CurrentUser;
use crate::realtime::events::LocationReport;
use job::ActiveJob;
use offers::{OfferCard, Offers};

#[component]
pub fn DriverHome() -> impl IntoView {
    let user = CurrentUser::get().0;
    let home = Resource::new(|| (), |_| load_driver_home());
    // What the driver chose on this page, else what the server says.
    let chosen = RwSignal::new(None::<bool>);
    let online = Signal::derive(move || {
        chosen
            .get()
            .or_else(|| home.get().and_then(|r| r.ok()).map(|h| h.online))
            .unwrap_or(false)
    });
    let here = RwSignal::new(None::<LocationReport>);
    let geo_message = RwSignal::new(None::<String>);
    let offers = Offers::new();

    Effect::new(move |_| {
        if let Some(Ok(h)) = home.get() {
            offers.merge(&h.offers);
        }
    });
    Connection::get().on_event(move |event| {
        // Chat has its own panel: a message does not reload the page.
        if event.is_logged() && !event.kind.starts_with("chat:") {
            offers.apply(event);
            home.refetch();
        }
    });
    sharing::follow(online, here, geo_message);
    let active_id = Signal::derive(move || {
        home.get()
            .and_then(Result::ok)
            .and_then(|h| h.active.map(|o| o.id))
    });

    let toggle = Action::new_local(move |want: &bool| {
        let want = *want;
        async move { sharing::set_online(want).await.map(|_| want) }
    });
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(now)) => chosen.set(Some(now)),
        Some(Err(e)) => geo_message.set(Some(e)),
        None => {}
    });

    view! {
        <section class="driver-home">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.map(|u| view! { <h1>"Hi, " {u.name}</h1> })
                })}
            </Suspense>
            <div class="card driver-status" data-online=move || online.get().to_string()
                data-ready=move || home.get().is_some().to_string()>
                <p class="status-big">{move || if online.get() { "You are online" } else { "You are offline" }}</p>
                <p class="muted">
                    {move || if online.get() {
                        "Offers reach you here while you are online. Your position is shared."
                    } else {
                        "Go online to receive delivery offers."
                    }}
                </p>
                <button class="btn btn-lg btn-block" class:btn-primary=move || !online.get()
                    class:btn-ghost=move || online.get() disabled=move || toggle.pending().get()
                    on:click=move |_| { toggle.dispatch(!online.get_untracked()); }>
                    {move || if online.get() { "Go offline" } else { "Go online" }}
                </button>
                <Show when=move || geo_message.get().is_some()>
                    <p class="notice geo-status" role="alert">{move || geo_message.get()}</p>
                </Show>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(h) => match h.active {
                            Some(order) => view! { <ActiveJob order here=here.into() on_step=move || home.refetch() /> }.into_any(),
                            None => ().into_any(),
                        },
                        Err(e) => view! { <p class="form-error" role="alert">{error_message(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
            <Show when=move || active_id.get().is_some()>
                <ChatPanel order_id=active_id />
            </Show>
            <h2 class="section-title">"Offers"</h2>
            <Show when=move || !offers.cards.get().is_empty()
                fallback=move || view! {
                    <p class="muted empty-offers">
                        {move || if online.get() { "No offers right now. Stay online." } else { "You are offline." }}
                    </p>
                }>
                <ul class="offer-list">
                    <For each=move || offers.cards.get() key=|c| (c.offer.order_id, c.state.clone()) let:card>
                        <OfferCard card offers on_accepted=move || home.refetch() />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// Going online and sharing the phone's position (browser only).
mod sharing {
    use leptos::prelude::*;

    use crate::realtime::events::LocationReport;

    pub async fn set_online(online: bool) -> Result<(), String> {
        #[cfg(feature = "hydrate")]
        {
            crate::client::socket::request(
                "driver:availability",
                &serde_json::json!({ "online": online }),
            )
            .await
            .map(|_| ())
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = online;
            Err("not in a browser".into())
        }
    }

    #[cfg(feature = "hydrate")]
    thread_local! {
        static HEARTBEAT: std::cell::Cell<Option<leptos::prelude::IntervalHandle>> = const { std::cell::Cell::new(None) };
    }

    /// While online, watch the position and report it (at most once a second).
    pub fn follow(
        online: Signal<bool>,
        here: RwSignal<Option<LocationReport>>,
        message: RwSignal<Option<String>>,
    ) {
        #[cfg(feature = "hydrate")]
        Effect::new(move |was_online: Option<bool>| {
            use crate::client::{geo, socket};
            let is_online = online.get();
            // Restart the watch only when going online, not on every reload
            // of the screen's data.
            if was_online == Some(is_online) {
                return is_online;
            }
            if !is_online {
                geo::stop();
                HEARTBEAT.with(|h| {
                    if let Some(h) = h.take() {
                        h.clear();
                    }
                });
                return is_online;
            }
            // A phone standing still gets no new fix, and a position not sent
            // since the socket was down would be lost: the last fix is sent
            // again every 10 s (the server keeps positions 30 s).
            let beat = set_interval_with_handle(
                move || {
                    if let Some(fix) = here.get_untracked() {
                        let payload = serde_json::to_value(&fix).unwrap_or_default();
                        leptos::task::spawn_local(async move {
                            let _ = socket::request("driver:location", &payload).await;
                        });
                    }
                },
                std::time::Duration::from_secs(10),
            )
            .ok();
            HEARTBEAT.with(|h| {
                if let Some(old) = h.replace(beat) {
                    old.clear();
                }
            });
            let last_sent = StoredValue::new(0.0_f64);
            geo::start(
                move |fix| {
                    message.set(None);
                    here.set(Some(fix.clone()));
                    let now = js_sys::Date::now();
                    if now - last_sent.get_value() < 1000.0 {
                        return;
                    }
                    last_sent.set_value(now);
                    let payload = serde_json::to_value(&fix).unwrap_or_default();
                    leptos::task::spawn_local(async move {
                        if let Err(e) = socket::request("driver:location", &payload).await {
                            if e == "not connected" {
                                // The heartbeat sends it once the socket is up.
                                last_sent.set_value(0.0);
                            } else if !e.contains("one location per second") {
                                message.set(Some(format!("Position not sent: {e}")));
                            }
                        }
                    });
                },
                move |error| message.set(Some(error)),
            );
            is_online
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (online, here, message);
    }
}
