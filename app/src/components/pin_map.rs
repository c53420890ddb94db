//! A map with one pin the customer drops (a tap on the map) or drags to
//! where the driver should stop. The pin also follows `pin` when it is set
//! from elsewhere ("Use my location"). The server renders an empty box.

use leptos::prelude::*;

use model::geo::LatLng;

#[component]
pub fn PinMap(pin: RwSignal<LatLng>, label: &'static str) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    leaflet_pin::mount(node, pin);
    view! {
        <div class="map map-pin" node_ref=node role="region" aria-label=label
            data-lat=move || format!("{:.6}", pin.get().lat)
            data-lng=move || format!("{:.6}", pin.get().lng)></div>
    }
}

#[cfg(feature = "hydrate")]
mod leaflet_pin {
    use std::cell::RefCell;
    use std::rc::Rc;

    use leaflet::{LatLng, Map, Marker, MarkerOptions};
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;

    use crate::components::leaflet_kit::{call, icon, lat_lng_of, new_map, remove};
    use crate::components::map::{MapMarker, MarkerKind};

    struct Drawn {
        map: Map,
        marker: Marker,
        /// Kept alive as long as the map and the pin listen with them.
        _on_tap: Closure<dyn Fn(JsValue)>,
        _on_drop: Closure<dyn Fn(JsValue)>,
    }

    fn draw(el: &web_sys::HtmlDivElement, pin: RwSignal<model::geo::LatLng>) -> Option<Drawn> {
        let at = pin.get_untracked();
        let here = LatLng::new(at.lat, at.lng);
        let map = new_map(el, here.clone(), 16.0)?;
        let options = MarkerOptions::new();
        options.set_draggable(true);
        options.set_title("The delivery pin: drag it, or tap the map".to_owned());
        let shape = MapMarker {
            key: "pin".into(),
            kind: MarkerKind::Dropoff,
            lat: at.lat,
            lng: at.lng,
            label: "Drop-off".into(),
        };
        if let Some(icon) = icon(&shape) {
            options.set_icon(icon);
        }
        let marker = Marker::new_with_options(&here, &options);
        marker.add_to(&map);
        let on_tap = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            if let Some((lat, lng)) = lat_lng_of(&event) {
                pin.set(model::geo::LatLng { lat, lng });
            }
        });
        call(map.as_ref(), "on", &[&"click".into(), on_tap.as_ref()]);
        let dragged = marker.clone();
        let on_drop = Closure::<dyn Fn(JsValue)>::new(move |_| {
            let at = dragged.get_lat_lng();
            pin.set(model::geo::LatLng {
                lat: at.lat(),
                lng: at.lng(),
            });
        });
        call(
            marker.as_ref(),
            "on",
            &[&"dragend".into(), on_drop.as_ref()],
        );
        Some(Drawn {
            map,
            marker,
            _on_tap: on_tap,
            _on_drop: on_drop,
        })
    }

    pub fn mount(node: NodeRef<leptos::html::Div>, pin: RwSignal<model::geo::LatLng>) {
        let drawn: Rc<RefCell<Option<Drawn>>> = Rc::new(RefCell::new(None));
        let state = drawn.clone();
        Effect::new(move |_| {
            let at = pin.get();
            let Some(el) = node.get() else { return };
            let mut slot = state.borrow_mut();
            if slot.is_none() {
                *slot = draw(&el, pin);
            }
            let Some(drawn) = slot.as_ref() else { return };
            let here = LatLng::new(at.lat, at.lng);
            drawn.marker.set_lat_lng(&here);
            if let Some(el) = call(drawn.marker.as_ref(), "getElement", &[]) {
                let el: web_sys::Element = wasm_bindgen::JsCast::unchecked_into(el);
                let _ = el.set_attribute("data-marker", "pin");
                let _ = el.set_attribute("data-lat", &format!("{:.6}", at.lat));
                let _ = el.set_attribute("data-lng", &format!("{:.6}", at.lng));
            }
            // Set from elsewhere and out of sight: bring it into view.
            if !drawn.map.get_bounds().contains(&here) {
                let still = js_sys::JSON::parse("{\"animate\":false}").unwrap_or(JsValue::NULL);
                call(drawn.map.as_ref(), "panTo", &[here.as_ref(), &still]);
            }
        });
        let drawn = send_wrapper::SendWrapper::new(drawn);
        on_cleanup(move || {
            if let Some(d) = drawn.borrow_mut().take() {
                remove(&d.map);
            }
        });
    }
}
