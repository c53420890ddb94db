//! Browser-only code: the binding to the official socket.io-client (loaded
//! from /vendor/socket.io.min.js as the global `io`) and its signals.

pub mod cursor;
pub mod geo;
pub mod socket;

/// The `content` of the shell's `<meta name="{name}">`: what the server
/// tells the page beside its render (tiles, the log's position).
pub fn page_meta(name: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name='{name}']"))
        .ok()??
        .get_attribute("content")
}
