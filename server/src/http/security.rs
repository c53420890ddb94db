//! Who may call us from where, and the headers every response carries.
//!
//! A browser sends `Origin` on cross-site requests and on every WebSocket
//! handshake. The site's own origin and `MEALSTREAM_ALLOWED_ORIGINS` pass;
//! any other origin is refused before the Socket.IO handshake or a
//! state-changing API call reaches a handler, so a foreign page cannot use
//! the user's cookie (CSRF, cross-site WebSocket hijacking). Listed origins
//! also get CORS headers, credentials included.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error_json;

#[derive(Clone, Debug)]
pub struct Origins(Arc<Vec<String>>);

impl Origins {
    pub fn new(list: Vec<String>) -> Origins {
        Origins(Arc::new(list))
    }

    fn listed(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

/// The request's origin is the site itself: `Origin`'s host and port are
/// the `Host` the request was sent to (or, over HTTP/2, its authority).
/// Behind a proxy that rewrites `Host`, `MEALSTREAM_PUBLIC_URL` is listed.
fn same_origin(origin: &str, headers: &HeaderMap, authority: Option<&str>) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(authority);
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

fn guarded(method: &Method, path: &str) -> bool {
    let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    path.starts_with("/socket.io")
        || (writes && (path.starts_with("/api/") || path.starts_with("/_sfn/")))
}

pub async fn origin_guard(
    State(origins): State<Origins>,
    request: Request,
    next: Next,
) -> Response {
    let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned)
    else {
        // Not a browser's cross-site request (curl, a server, same-site GET).
        return next.run(request).await;
    };
    let authority = request.uri().authority().map(|a| a.as_str().to_owned());
    if same_origin(&origin, request.headers(), authority.as_deref()) {
        return next.run(request).await;
    }
    let listed = origins.listed(&origin);
    if !listed && guarded(request.method(), request.uri().path()) {
        tracing::warn!(
            origin,
            path = request.uri().path(),
            "request from a foreign origin refused"
        );
        return error_json(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "this origin may not call Mealstream",
        )
        .into_response();
    }
    if !listed {
        return next.run(request).await;
    }
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PATCH, DELETE, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, idempotency-key, last-event-id"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        r
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

/// Headers on every response. Pages set their own CSP (with the nonce of
/// their scripts); everything else gets one under which nothing runs.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("geolocation=(self), camera=(), microphone=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(app::service::csp::DEFAULT_POLICY),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_compares_host_and_port() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(same_origin("http://127.0.0.1:3000", &headers, None));
        assert!(!same_origin("http://127.0.0.1:4000", &headers, None));
        assert!(!same_origin("https://evil.example", &headers, None));
        assert!(!same_origin("null", &headers, None));
        assert!(
            same_origin(
                "https://app.example",
                &HeaderMap::new(),
                Some("app.example")
            ),
            "HTTP/2: the authority"
        );
    }

    #[test]
    fn sockets_and_api_writes_are_guarded_reads_and_pages_are_not() {
        assert!(guarded(&Method::GET, "/socket.io/"));
        assert!(guarded(&Method::POST, "/api/orders"));
        assert!(guarded(&Method::POST, "/_sfn/place_order"));
        assert!(!guarded(&Method::GET, "/api/restaurants"));
        assert!(!guarded(&Method::POST, "/login"));
    }
}

/// Served over https (an https public URL): browsers are told to come back
/// only over https for a year (HSTS).
pub async fn strict_transport(
    axum::extract::State(https): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
