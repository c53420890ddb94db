//! Where map tiles come from: configuration read by the map component (as
//! the page's `<meta name="mealstream:tiles">`) and by the page's
//! Content-Security-Policy (`service::csp`), so neither reaches into the other.

/// The default tile server: OpenStreetMap's standard tiles.
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

#[cfg(feature = "ssr")]
static TILE_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Set once at startup from `MEALSTREAM_TILE_URL`.
#[cfg(feature = "ssr")]
pub fn set_tile_url(url: String) {
    let _ = TILE_URL.set(url);
}

/// The tile URL template.
pub fn tile_url() -> String {
    #[cfg(feature = "ssr")]
    {
        TILE_URL
            .get()
            .cloned()
            .unwrap_or_else(|| DEFAULT_TILE_URL.to_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        DEFAULT_TILE_URL.to_owned()
    }
}
