//! The Content-Security-Policy of the pages: scripts only from our own
//! origin or carrying this response's nonce (Leptos's hydration and
//! streaming scripts get it), WebAssembly allowed, images from our origin
//! and the map tiles' host, frames from nobody. The server sets it on
//! every page (`server::http::csp`).

/// The policy for a page rendered with `nonce`, showing tiles from `tile_url`.
pub fn page_policy(nonce: &str, tile_url: &str) -> String {
    let tiles = tile_origin(tile_url).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: {tiles}; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of every other response (JSON, files): nothing runs, nothing frames it.
pub const DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// `https://{s}.tile.example.org/{z}/{x}/{y}.png` -> `https://*.tile.example.org`.
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    (!host.is_empty() && matches!(scheme, "http" | "https")).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_host_is_allowed_with_subdomains_as_a_wildcard() {
        assert_eq!(
            tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.org")
        );
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(tile_origin("javascript:alert(1)"), None);
    }

    #[test]
    fn page_policy_carries_the_nonce_and_forbids_framing() {
        let p = page_policy("abc", "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(p.contains("img-src 'self' data: blob: https://tile.openstreetmap.org"));
        assert!(p.contains("frame-ancestors 'none'"));
    }
}
