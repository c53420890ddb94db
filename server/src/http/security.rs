//! Who may call us from where, and the headers every response carries.
//!
//! A browser sends `Origin` on cross-site requests and on every WebSocket
//! handshake. The site's own origin and `MEALSTREAM_ALLOWED_ORIGINS` pass;
//! any other origin is refused before the Socket.IO handshake or a
//! state-changing API call reaches a handler, so a foreign page cannot use
//! the user's cookie (CSRF, cross-site WebSocket hijacking). Listed origins
//! also get CORS headers, credentials included (tower-http's `CorsLayer`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

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
    if !origins.listed(&origin) && guarded(request.method(), request.uri().path()) {
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
    next.run(request).await
}

/// CORS for the listed origins, credentials included; preflights answered.
pub fn cors(origins: Origins) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|o| origins.listed(o))
        }))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("last-event-id"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// Headers on every response. Pages set their own CSP (with the nonce of
/// their scripts); everything else gets one under which nothing runs.
/// Served over https (`https`), browsers are also told to come back only
/// over https for a year (HSTS).
pub fn headers<S: Clone + Send + Sync + 'static>(router: Router<S>, https: bool) -> Router<S> {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "geolocation=(self), camera=(), microphone=()",
        ),
    ];
    let mut router = fixed.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ))
    });
    router = router.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(app::csp::DEFAULT_POLICY),
    ));
    if https {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
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
