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
pub struct Origins {
    listed: Arc<Vec<String>>,
    /// The site's own origin (`MEALSTREAM_PUBLIC_URL`), when configured.
    public: Option<Arc<str>>,
}

impl Origins {
    pub fn new(list: Vec<String>, public: Option<String>) -> Origins {
        Origins {
            listed: Arc::new(list),
            public: public.map(Arc::from),
        }
    }

    fn listed(&self, origin: &str) -> bool {
        self.listed.iter().any(|o| o.eq_ignore_ascii_case(origin))
            || self
                .public
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(origin))
    }
}

/// The request's origin is the site itself. With a public URL configured,
/// `Origin` must be exactly it: scheme, host and port (the `Host` header
/// proves nothing). Without one (a local instance), `Origin` must be the
/// `http` origin of the `Host` the request was sent to, and that host a
/// local name or an address: a DNS name pointed at 127.0.0.1 by an attacker
/// (DNS rebinding) is foreign.
fn same_origin(
    origin: &str,
    headers: &HeaderMap,
    authority: Option<&str>,
    public: Option<&str>,
) -> bool {
    if let Some(public) = public {
        return origin.eq_ignore_ascii_case(public);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(authority);
    let Some(("http", origin_host)) = origin.split_once("://") else {
        return false;
    };
    matches!(host, Some(h) if h.eq_ignore_ascii_case(origin_host) && local_host(h))
}

/// `localhost`, `*.localhost`, or an IP address, with an optional port.
fn local_host(host: &str) -> bool {
    if host.starts_with('[') {
        // An IPv6 literal, `[::1]:3000`.
        return host
            .split_once(']')
            .is_some_and(|(ip, _)| ip[1..].parse::<std::net::Ipv6Addr>().is_ok());
    }
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
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
    if same_origin(
        &origin,
        request.headers(),
        authority.as_deref(),
        origins.public.as_deref(),
    ) {
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
            HeaderValue::from_static(app::csp::DEFAULT_POLICY),
        );
    }
    response
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_compares_host_and_port() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(same_origin("http://127.0.0.1:3000", &headers, None, None));
        assert!(!same_origin("http://127.0.0.1:4000", &headers, None, None));
        assert!(
            !same_origin("https://127.0.0.1:3000", &headers, None, None),
            "scheme"
        );
        assert!(!same_origin("https://evil.example", &headers, None, None));
        assert!(!same_origin("null", &headers, None, None));
        assert!(
            same_origin(
                "http://localhost:3000",
                &HeaderMap::new(),
                Some("localhost:3000"),
                None
            ),
            "HTTP/2: the authority"
        );
        assert!(same_origin(
            "http://[::1]:3000",
            &HeaderMap::new(),
            Some("[::1]:3000"),
            None
        ));
    }

    #[test]
    fn a_rebound_dns_name_is_not_the_local_site() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("attacker.example:3000"),
        );
        assert!(!same_origin(
            "http://attacker.example:3000",
            &headers,
            None,
            None
        ));
    }

    #[test]
    fn with_a_public_url_only_its_exact_origin_is_the_site() {
        let public = Some("https://app.example");
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("app.example"));
        assert!(same_origin("https://app.example", &headers, None, public));
        assert!(
            !same_origin("http://app.example", &headers, None, public),
            "scheme"
        );
        assert!(
            !same_origin("https://app.example:8443", &headers, None, public),
            "port"
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
