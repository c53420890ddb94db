//! "Deliver to": the address the customer wrote and the pin they dropped,
//! changed in place. Recent addresses are one tap away; a new one is
//! written, then pinned on the map (a tap or a drag; "Use my location" on a
//! phone). Geocoding would need the internet; the pin does not.

use leptos::prelude::*;

use super::address_store::AddressStore;
use super::form_error::{FieldError, FormErrors};
use super::pin_map::PinMap;
use crate::error::ApiError;
use model::address::{check, MAX_ADDRESS_CHARS};
use model::geo::LatLng;
use model::Place;

/// `id` names the picker's elements (two pickers may share a page).
#[component]
pub fn AddressPicker(id: &'static str) -> impl IntoView {
    let book = AddressStore::get();
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let pin = RwSignal::new(book.point_now());
    let error = RwSignal::new(None::<ApiError>);
    let start = move || {
        text.set(String::new());
        pin.set(book.point_now());
        error.set(None);
        open.set(true);
    };
    let save = move || match check(&text.get_untracked(), "address") {
        Ok(address) => {
            let at = pin.get_untracked();
            book.choose(Place {
                address,
                lat: at.lat,
                lng: at.lng,
            });
            open.set(false);
        }
        Err(e) => error.set(Some(e.into())),
    };
    let errors = FormErrors::new(format!("{id}-panel"), &["address"], move || error.get());
    let current = move || book.0.with(|b| b.current.clone());
    let others = move || book.0.with(|b| b.others().cloned().collect::<Vec<_>>());
    view! {
        <div class="address-picker" id=id>
            <span class="address-label" id=format!("{id}-label")>"Deliver to"</span>
            <div class="address-now">
                <span class="address-text" aria-labelledby=format!("{id}-label") role="status"
                    data-lat=move || format!("{:.6}", current().lat) data-lng=move || format!("{:.6}", current().lng)>
                    {move || current().address}
                </span>
                <button type="button" class="btn btn-ghost" aria-expanded=move || open.get().to_string()
                    aria-controls=format!("{id}-panel")
                    on:click=move |_| if open.get_untracked() { open.set(false) } else { start() }>
                    {move || if open.get() { "Close" } else { "Change" }}
                </button>
            </div>
            <Show when=move || open.get()>
                <div class="address-panel" id=format!("{id}-panel") role="group" aria-label="Choose where to deliver">
                    <Show when=move || !others().is_empty()>
                        <p class="address-recent-title">"Recent"</p>
                        <ul class="address-recent">
                            <For each=others key=|p| p.address.clone() let:place>
                                <li>
                                    <button type="button" class="btn btn-ghost btn-block address-recent-pick"
                                        on:click={
                                            let place = place.clone();
                                            move |_| { book.choose(place.clone()); open.set(false); }
                                        }>
                                        {place.address.clone()}
                                    </button>
                                </li>
                            </For>
                        </ul>
                    </Show>
                    <form class="form" on:submit=move |ev| { ev.prevent_default(); save(); }>
                        <label for=format!("{id}-address")>"New address: street, number, floor"</label>
                        <input id=format!("{id}-address") name="address" autocomplete="street-address"
                            maxlength=MAX_ADDRESS_CHARS.to_string() placeholder="Rua Augusta 200, 2º esq."
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))
                            aria-invalid=errors.invalid("address") aria-describedby=format!("{id}-address-error") />
                        <FieldError errors field="address" id=format!("{id}-address-error") />
                        <p class="muted" id=format!("{id}-pin-help")>
                            "Tap the map or drag the pin to where the driver should stop."
                        </p>
                        <PinMap pin label="Where to deliver: tap to drop the pin" />
                        <Locate pin />
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary">"Deliver here"</button>
                            <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                        </div>
                    </form>
                </div>
            </Show>
        </div>
    }
}

/// "Use my location": the phone's position as the pin, where the browser
/// can tell it and the customer allows it.
#[component]
fn Locate(pin: RwSignal<LatLng>) -> impl IntoView {
    let problem = RwSignal::new(None::<&'static str>);
    let locate = move |_| {
        problem.set(None);
        #[cfg(feature = "hydrate")]
        crate::client::geo::once(
            move |lat, lng| pin.set(LatLng { lat, lng }),
            move |why| problem.set(Some(why)),
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = pin;
    };
    view! {
        <p class="locate">
            <button type="button" class="btn btn-ghost" on:click=locate>"Use my location"</button>
            <span class="muted" role="status">{move || problem.get()}</span>
        </p>
    }
}
