//! The pages' Content-Security-Policy and caching, set around the render rather than
//! from inside it. The nonce is made here, before Leptos runs, and handed
//! to the render through the request ([`provide_nonce`]), so the page's
//! scripts carry the nonce the header names. Every HTML response of the
//! page routes leaves with this policy, whatever the render did with its
//! `ResponseOptions`: set from there, a page in the browser tests twice
//! left with the fallback policy instead, and could not run its scripts.
//!
//! A page is rendered for one user at one moment: it is never stored
//! (`Cache-Control: no-store`). Stored, Back showed the board or an order
//! as it was when first loaded, with buttons for steps long taken, and the
//! socket, resuming from the newest event any tab had seen, never brought
//! what the old copy lacked. It also keeps one user's pages out of the
//! disk cache of a shared computer.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// Middleware on the page routes: a fresh nonce per request, and the
/// page policy naming it, and `no-store`, on every HTML response.
pub async fn page_policy(mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        let policy = app::csp::page_policy(&nonce, &app::tiles::tile_url());
        if let Ok(value) = HeaderValue::from_str(&policy) {
            res.headers_mut().insert(CONTENT_SECURITY_POLICY, value);
        }
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// In the render's context: this request's nonce, in place of the one
/// leptos_axum made, for the hydration scripts and every `nonce=`.
pub fn provide_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}
