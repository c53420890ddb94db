//! The driver's phone: go online (sharing the position), take an offer,
//! pick up and deliver. Made for a 390 px wide screen.

mod job;
mod offers;
mod today;

use crate::components::table::load_failed;
use leptos::prelude::*;

use crate::api::driver::load_driver_home;
use crate::components::chat::ChatPanel;
use crate::components::connection::Connection;
use crate::components::local_time::now_ms;
use crate::components::session::CurrentUser;
use job::ActiveJob;
use model::requests::LocationReport;
use model::DriverHome as Home;
use offers::{OfferCard, Offers};
use today::Today;

/// How long after the availability button flips a tap on it is still
/// the tap that flipped it (a double tap's second is 50–300 ms later).
const SETTLE_MS: f64 = 600.0;

#[component]
pub fn DriverHome() -> impl IntoView {
    let user = CurrentUser::get().0;
    // Read once, under <Suspense>: the server renders the screen from it and
    // the browser hydrates the same screen from the same value. Later
    // reloads go to the screen's own signal, never back through here.
    let first = Resource::new(|| (), |_| load_driver_home());
    view! {
        <section class="driver-home">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.map(|u| view! { <h1>"Hi, " {u.name}</h1> })
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok(home) => view! { <DriverScreen home /> }.into_any(),
                        Err(e) => load_failed(&e),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The screen, from the server's view of this driver: online or not, the
/// delivery they are on, and their open offers. After a reload it shows
/// what the server says, never a default.
#[component]
fn DriverScreen(home: Home) -> impl IntoView {
    let home = RwSignal::new(home);
    // Answers may come back out of order: only the newest request counts.
    let asked = StoredValue::new(0_u64);
    let reload = move || {
        let this = asked.get_value() + 1;
        asked.set_value(this);
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = load_driver_home().await {
                if asked.try_get_value() == Some(this) {
                    home.try_set(fresh);
                }
            }
        });
    };
    let online = Memo::new(move |_| home.with(|h| h.online));
    let active = Memo::new(move |_| home.with(|h| h.active.clone()));
    let active_id = Signal::derive(move || active.with(|a| a.as_ref().map(|o| o.id)));
    let on_job = Signal::derive(move || active_id.get().is_some());
    let pay = Signal::derive(move || home.with(|h| h.active_pay_cents));
    let delivered = Signal::derive(move || home.with(|h| h.delivered.clone()));
    let here = RwSignal::new(None::<LocationReport>);
    let geo_message = RwSignal::new(None::<String>);
    let offers = Offers::new();

    // Offers are added after hydration: their countdowns need the clock.
    Effect::new(move |_| home.with(|h| offers.merge(&h.offers)));
    Connection::get().on_event(move |event| {
        // Chat has its own panel: a message does not reload the screen.
        if event.is_logged() && !event.event.is_chat() {
            offers.apply(event);
            reload();
        }
    });
    sharing::follow(online.into(), here, geo_message);

    let toggle = Action::new_local(move |want: &bool| {
        let want = *want;
        async move { sharing::set_online(want).await.map(|_| want) }
    });
    // The button's label flips with the answer, so a double tap's second
    // tap landed on "Go offline" and undid the first. A tap this soon
    // after a flip belongs to the tap that caused it.
    let flipped_at = StoredValue::new(f64::NEG_INFINITY);
    let tap = move || {
        if toggle.pending().get_untracked() || now_ms() - flipped_at.get_value() < SETTLE_MS {
            return;
        }
        toggle.dispatch(!online.get_untracked());
    };
    // A driver back on the app mid-delivery (the browser was closed, the
    // phone slept past the position's expiry) shares the position again
    // at once, once the socket is up: the customer's map waits on it, and
    // nothing else would tell the driver they had dropped offline. Once
    // per page: "Go offline" afterwards stays offline.
    let hello = Connection::get().hello;
    let resumed = StoredValue::new(false);
    Effect::new(move |_| {
        let ready = hello.with(Option::is_some);
        if !ready || resumed.get_value() || active_id.get().is_none() || online.get() {
            return;
        }
        resumed.set_value(true);
        toggle.dispatch(true);
    });
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(now)) => {
            // A reload already on its way would bring the old state back.
            asked.update_value(|a| *a += 1);
            flipped_at.set_value(now_ms());
            home.update(|h| h.online = now);
        }
        Some(Err(e)) => geo_message.set(Some(e)),
        None => {}
    });

    view! {
        {move || active.get().map(|order| view! { <ActiveJob order pay here=here.into() on_step=reload /> })}
        <div class="card driver-status" data-online=move || online.get().to_string() data-ready="true">
            <p class="status-big">{move || if online.get() { "You are online" } else { "You are offline" }}</p>
            <p class="muted">
                {move || if online.get() {
                    "Offers reach you here while you are online. Your position is shared."
                } else {
                    "Go online to receive delivery offers."
                }}
            </p>
            <Show when=move || geo_message.get().is_some()>
                <p class="notice geo-status" role="alert">{move || geo_message.get()}</p>
            </Show>
        </div>
        // Fixed to the bottom of a phone's screen, under the thumb.
        <div class="action-bar" role="region" aria-label="Availability">
            <button class="btn btn-lg btn-block" class:btn-primary=move || !online.get()
                class:btn-ghost=move || online.get() disabled=move || toggle.pending().get()
                on:click=move |_| tap()>
                {move || if online.get() { "Go offline" } else { "Go online" }}
            </button>
        </div>
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
                    <OfferCard card offers on_job on_accepted=reload />
                </For>
            </ul>
        </Show>
        <Today delivered />
    }
}

/// Going online and sharing the phone's position (browser only).
mod sharing {
    use leptos::prelude::*;

    use model::requests::LocationReport;

    pub async fn set_online(online: bool) -> Result<(), String> {
        #[cfg(feature = "hydrate")]
        {
            crate::client::socket::send(&model::requests::Availability { online })
                .await
                .map(|_| ())
                .map_err(|e| e.sentence())
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = online;
            Err("not in a browser".into())
        }
    }

    /// How long the phone may go without a fix before the driver is told.
    #[cfg(feature = "hydrate")]
    const GEO_PATIENCE_MS: f64 = 10_000.0;

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
                        leptos::task::spawn_local(async move {
                            let _ = socket::send(&fix).await;
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
            // A phone loses its fix now and then and finds it a moment
            // later: only a problem that lasts 10 s is worth saying.
            let last_fix = StoredValue::new(js_sys::Date::now());
            geo::start(
                move |fix| {
                    last_fix.set_value(js_sys::Date::now());
                    message.set(None);
                    here.set(Some(fix.clone()));
                    let now = js_sys::Date::now();
                    if now - last_sent.get_value() < 1000.0 {
                        return;
                    }
                    last_sent.set_value(now);
                    leptos::task::spawn_local(async move {
                        if let Err(e) = socket::send(&fix).await {
                            if e.code == socket::OFFLINE {
                                // The heartbeat sends it once the socket is up.
                                last_sent.set_value(0.0);
                            } else if e.code != "rate_limited" {
                                message.set(Some(format!("Position not sent: {}", e.sentence())));
                            }
                        }
                    });
                },
                move |problem: geo::Problem| {
                    if problem.blocked {
                        message.set(Some(problem.message));
                        return;
                    }
                    let quiet = js_sys::Date::now() - last_fix.get_value();
                    let wait = (GEO_PATIENCE_MS - quiet).max(0.0);
                    let failed_at = last_fix.get_value();
                    set_timeout(
                        move || {
                            // Still no fix since this error: say so.
                            if last_fix.try_get_value() == Some(failed_at) {
                                message.try_set(Some(problem.message));
                            }
                        },
                        std::time::Duration::from_millis(wait as u64),
                    );
                },
            );
            is_online
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (online, here, message);
    }
}
