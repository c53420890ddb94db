//! A Leaflet map with keyed markers that follow a signal. The server
//! renders an empty box; the browser draws the map after hydration. Markers
//! do not depend on tiles: with no tile server reachable the map is blank
//! but every marker is there, each carrying `data-lat`/`data-lng`.

use leptos::prelude::*;

pub use crate::tiles::DEFAULT_TILE_URL;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    Restaurant,
    Dropoff,
    Driver,
}

impl MarkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerKind::Restaurant => "restaurant",
            MarkerKind::Dropoff => "dropoff",
            MarkerKind::Driver => "driver",
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn glyph(self) -> &'static str {
        match self {
            // Plain symbols: every system font has them, unlike emoji.
            MarkerKind::Restaurant => "R",
            MarkerKind::Dropoff => "⌂",
            MarkerKind::Driver => "▲",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapMarker {
    /// Stable identity: the same key moves the same marker.
    pub key: String,
    pub kind: MarkerKind,
    pub lat: f64,
    pub lng: f64,
    pub label: String,
}

impl MapMarker {
    pub fn new(key: &str, kind: MarkerKind, lat: f64, lng: f64, label: impl Into<String>) -> Self {
        MapMarker {
            key: key.to_owned(),
            kind,
            lat,
            lng,
            label: label.into(),
        }
    }
}

/// An order's two ends, the restaurant and the drop-off (labelled
/// `dropoff`), and the one marker that moves, while `moving` says where.
pub fn route_markers(
    order: &model::Order,
    dropoff: impl Into<String>,
    moving: impl Fn() -> Option<MapMarker> + Send + Sync + 'static,
) -> Signal<Vec<MapMarker>> {
    let (pickup, drop) = (&order.pickup, &order.dropoff);
    let ends = [
        MapMarker::new(
            "restaurant",
            MarkerKind::Restaurant,
            pickup.lat,
            pickup.lng,
            order.restaurant.name.clone(),
        ),
        MapMarker::new("dropoff", MarkerKind::Dropoff, drop.lat, drop.lng, dropoff),
    ];
    Signal::derive(move || ends.iter().cloned().chain(moving()).collect())
}

#[component]
pub fn LiveMap(
    #[prop(into)] markers: Signal<Vec<MapMarker>>,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    leaflet_map::mount(node, markers);
    #[cfg(not(feature = "hydrate"))]
    let _ = markers;
    // A region, not an image: its zoom buttons and markers take focus.
    view! { <div class="map" node_ref=node role="region" aria-label=if label.is_empty() { "Map" } else { label }></div> }
}

#[cfg(feature = "hydrate")]
mod leaflet_map {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;

    use wasm_bindgen::closure::Closure;

    use leaflet::{LatLng, LatLngBounds, Map, Marker, MarkerOptions};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::JsValue;

    use super::MapMarker;
    use crate::components::leaflet_kit::{call, icon, new_map, remove};

    struct Drawn {
        map: Map,
        markers: HashMap<String, Marker>,
        fitted: usize,
        /// The user dragged the map: it no longer re-frames by itself.
        panned: Rc<Cell<bool>>,
        /// Kept alive as long as the map listens with it.
        _on_drag: Closure<dyn Fn()>,
    }

    fn tag(marker: &Marker, m: &MapMarker) {
        let element = call(marker.as_ref(), "getElement", &[])
            .and_then(|e| e.dyn_into::<web_sys::Element>().ok());
        if let Some(el) = element {
            let _ = el.set_attribute("data-marker", m.kind.as_str());
            let _ = el.set_attribute("data-key", &m.key);
            let _ = el.set_attribute("data-lat", &format!("{:.6}", m.lat));
            let _ = el.set_attribute("data-lng", &format!("{:.6}", m.lng));
            let _ = el.set_attribute("title", &m.label);
            // The label changes (an order's status): the pin says it too.
            if let Ok(Some(label)) = el.query_selector(".pin-label") {
                if label.text_content().as_deref() != Some(m.label.as_str()) {
                    label.set_text_content(Some(&m.label));
                }
            }
        }
    }

    pub fn mount(node: NodeRef<leptos::html::Div>, markers: Signal<Vec<MapMarker>>) {
        let drawn: Rc<RefCell<Option<Drawn>>> = Rc::new(RefCell::new(None));
        let state = drawn.clone();
        Effect::new(move |_| {
            let wanted = markers.get();
            let Some(el) = node.get() else { return };
            let mut slot = state.borrow_mut();
            if slot.is_none() {
                let Some(map) = new_map(&el, LatLng::new(38.7139, -9.1394), 14.0) else {
                    return;
                };
                let panned = Rc::new(Cell::new(false));
                let on_drag = Closure::<dyn Fn()>::new({
                    let panned = panned.clone();
                    move || panned.set(true)
                });
                call(map.as_ref(), "on", &[&"dragstart".into(), on_drag.as_ref()]);
                *slot = Some(Drawn {
                    map,
                    markers: HashMap::new(),
                    fitted: 0,
                    panned,
                    _on_drag: on_drag,
                });
            }
            let Some(drawn) = slot.as_mut() else { return };
            drawn.markers.retain(|key, marker| {
                let keep = wanted.iter().any(|m| &m.key == key);
                if !keep {
                    marker.remove();
                }
                keep
            });
            for m in &wanted {
                let at = LatLng::new(m.lat, m.lng);
                match drawn.markers.get(&m.key) {
                    Some(marker) => marker.set_lat_lng(&at),
                    None => {
                        let options = MarkerOptions::new();
                        if let Some(icon) = icon(m) {
                            options.set_icon(icon);
                        }
                        options.set_title(m.label.clone());
                        let marker = Marker::new_with_options(&at, &options);
                        marker.add_to(&drawn.map);
                        drawn.markers.insert(m.key.clone(), marker);
                    }
                }
                if let Some(marker) = drawn.markers.get(&m.key) {
                    tag(marker, m);
                }
            }
            // Frame everything when the set of markers grows, and when one
            // (the driver) leaves the view, unless the user has moved the
            // map: not on every move.
            let view = drawn.map.get_bounds();
            let left = !drawn.panned.get()
                && wanted
                    .iter()
                    .any(|m| !view.contains(&LatLng::new(m.lat, m.lng)));
            if (wanted.len() > drawn.fitted || left) && !wanted.is_empty() {
                drawn.fitted = wanted.len();
                let first = LatLng::new(wanted[0].lat, wanted[0].lng);
                let bounds = LatLngBounds::new(&first, &first);
                for m in &wanted {
                    bounds.extend(&LatLng::new(m.lat, m.lng));
                }
                // A pin hangs right and down from its point: keep room on
                // the right for the widest label (a phone's map is narrow),
                // and at the top left for the zoom buttons. No animation: a
                // map removed mid-animation makes Leaflet read a pane that
                // is gone ("_leaflet_pos").
                let widest = wanted
                    .iter()
                    .map(|m| m.label.chars().count())
                    .max()
                    .unwrap_or(0);
                let right = (widest as f64 * 7.0 + 36.0).min(170.0);
                let padding = js_sys::JSON::parse(&format!(
                    "{{\"paddingTopLeft\":[56,40],\"paddingBottomRight\":[{right},44],\"maxZoom\":16,\"animate\":false}}"
                ))
                .unwrap_or(JsValue::NULL);
                call(
                    drawn.map.as_ref(),
                    "fitBounds",
                    &[bounds.as_ref(), &padding],
                );
                drawn.map.invalidate_size(false);
            }
        });
        // Cleanup runs on the browser's one thread, like everything here.
        let drawn = send_wrapper::SendWrapper::new(drawn);
        on_cleanup(move || {
            if let Some(d) = drawn.borrow_mut().take() {
                remove(&d.map);
            }
        });
    }
}
