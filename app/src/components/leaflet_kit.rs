//! What every Leaflet map here shares (browser only): a map with tiles and
//! no animations, pins drawn as HTML, the methods leaflet-rs does not bind,
//! and a clean removal.

use leaflet::{DivIconOptions, LatLng, Map, MapOptions, TileLayer, TileLayerOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

use super::map::{MapMarker, DEFAULT_TILE_URL};

/// Calls `target[method](...args)`: for the Leaflet methods leaflet-rs
/// does not bind (`getElement`, `fitBounds` with options).
pub fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Option<JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(target, &method.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let list = js_sys::Array::new();
    for a in args {
        list.push(a);
    }
    f.apply(target, &list).ok()
}

fn tile_url() -> String {
    crate::client::page_meta("mealstream:tiles")
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_TILE_URL.to_owned())
}

/// `L.divIcon(...)`: leaflet-rs 0.5 binds `DivIcon` to `L.Icon`, which
/// needs an image URL, so build the div icon through Leaflet directly.
pub fn icon(m: &MapMarker) -> Option<leaflet::Icon> {
    let options = DivIconOptions::new();
    options.set_class_name(format!("pin pin-{}", m.kind.as_str()));
    options.set_html(format!(
        "<span class=\"pin-glyph\" aria-hidden=\"true\">{}</span><span class=\"pin-label\">{}</span>",
        m.kind.glyph(),
        html_escape(&m.label)
    ));
    let leaflet = js_sys::Reflect::get(&js_sys::global(), &"L".into()).ok()?;
    call(&leaflet, "divIcon", &[options.as_ref()]).map(|icon| icon.unchecked_into())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A map in `el`, centred on `centre`, with the tile layer of the page.
pub fn new_map(el: &web_sys::HtmlDivElement, centre: LatLng, zoom: f64) -> Option<Map> {
    let options = MapOptions::new();
    // Zoom animations end in a transition callback that fails when the map
    // was removed meanwhile (a page change).
    options.set_zoom_animation(false);
    options.set_marker_zoom_animation(false);
    options.set_fade_animation(false);
    // A double tap on a phone zoomed the map in around the second tap,
    // which is often a button's second tap landing where the map moved
    // to (the driver's "Picked up" moves the map down under the thumb):
    // every marker left the view. The + and − buttons and pinching zoom.
    options.set_double_click_zoom(JsValue::FALSE);
    let map = Map::new_with_element(el.unchecked_ref(), &options).ok()?;
    map.set_view(&centre, zoom);
    let tiles = TileLayerOptions::new();
    tiles.set_attribution("&copy; OpenStreetMap contributors".to_owned());
    TileLayer::new_options(&tile_url(), &tiles).add_to(&map);
    Some(map)
}

/// Removes `map`, stopping any pan or zoom in flight and dropping its
/// handlers first, so none fires on a removed map.
pub fn remove(map: &Map) {
    call(map.as_ref(), "stop", &[]);
    call(map.as_ref(), "off", &[]);
    map.remove();
}

/// `L.latLng` of a Leaflet event (`e.latlng`) or of a marker.
pub fn lat_lng_of(event: &JsValue) -> Option<(f64, f64)> {
    let at = js_sys::Reflect::get(event, &"latlng".into()).ok()?;
    let lat = js_sys::Reflect::get(&at, &"lat".into()).ok()?.as_f64()?;
    let lng = js_sys::Reflect::get(&at, &"lng".into()).ok()?.as_f64()?;
    Some((lat, lng))
}
