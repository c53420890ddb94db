//! Extractors whose rejections are the API's JSON errors: malformed JSON is
//! 400, a missing or mistyped field 422 naming it, a body over the limit 413;
//! a query parameter of the wrong kind is a 422 naming it.

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use model::error::AppError;
use serde::de::DeserializeOwned;
use std::str::FromStr;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| rejection(JsonRejection::BytesRejection(e)))?;
        // PostgreSQL refuses NUL in text: a 500 there, stored on SQLite.
        // Refused here, the same on both, before anything is written.
        if has_nul(&bytes) {
            return Err(AppError::invalid(
                "body",
                "text must not contain the NUL character (\\u0000)",
            ));
        }
        Json::<T>::from_request(Request::from_parts(parts, Body::from(bytes)), state)
            .await
            .map(|Json(v)| ApiJson(v))
            .map_err(rejection)
    }
}

/// Whether the JSON text `bytes` holds a `\u0000` escape (not an escaped
/// backslash followed by "u0000").
fn has_nul(bytes: &[u8]) -> bool {
    const ESCAPE: &[u8] = b"\\u0000";
    bytes.windows(ESCAPE.len()).enumerate().any(|(at, w)| {
        w == ESCAPE
            && bytes[..at]
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count()
                % 2
                == 0
    })
}

/// A query string read into `T`; a value of the wrong kind is a 422
/// naming its parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| query_error(&e.body_text()))
    }
}

/// "Failed to deserialize query string: limit: invalid digit found in
/// string" -> 422 on `limit`.
fn query_error(text: &str) -> AppError {
    let detail = text.split_once("query string: ").map_or(text, |(_, d)| d);
    match detail.split_once(": ") {
        Some((name, message)) if !name.is_empty() && !name.contains(' ') => {
            AppError::invalid(name, message)
        }
        _ => AppError::invalid("query", detail),
    }
}

fn rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(e) => data_error(&e.body_text()),
        JsonRejection::JsonSyntaxError(_) => {
            AppError::Malformed("the request body is not valid JSON".into())
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::Malformed("expected a JSON body with Content-Type: application/json".into())
        }
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::TooLarge(format!(
                "the request body is larger than {} KiB",
                super::MAX_BODY_BYTES / 1024
            ))
        }
        other => AppError::Malformed(other.body_text()),
    }
}

/// Turns serde's message into a 422 naming the field, e.g.
/// "...target type: email: invalid type: integer `5`, expected a string at line 1 column 11"
/// or "...target type: missing field `email` at line 1 column 2".
fn data_error(text: &str) -> AppError {
    let detail = text
        .split_once("target type: ")
        .map(|(_, d)| d)
        .unwrap_or(text);
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    if let Some(field) = detail
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return AppError::invalid(field, "is required");
    }
    match detail.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => AppError::invalid(path, message),
        _ => AppError::invalid("body", detail),
    }
}

/// A positive numeric id of kind `T` (`Id<OrderId>`) in the path; anything
/// else is "not found", never a 400 page.
pub struct Id<T>(pub T);

impl<S: Send + Sync, T: FromStr + Into<i64> + Copy> FromRequestParts<S> for Id<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound("resource"))?;
        raw.parse::<T>()
            .ok()
            .filter(|id| (*id).into() > 0)
            .map(Id)
            .ok_or(AppError::NotFound("resource"))
    }
}

/// The client's address: the TCP peer, or what a trusted proxy says
/// (`MEALSTREAM_TRUSTED_PROXIES`, see `mealstream_core::service::client_addr`).
pub struct ClientIp(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp
where
    mealstream_core::service::Ctx: axum::extract::FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        use axum::extract::{ConnectInfo, FromRef};
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no peer address")))?;
        let ctx = mealstream_core::service::Ctx::from_ref(state);
        Ok(ClientIp(ctx.proxies.client_of(peer, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_field_names_the_field() {
        let e = data_error("Failed to deserialize the JSON body into the target type: missing field `email` at line 1 column 2");
        assert_eq!(e.body().error.field.as_deref(), Some("email"));
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn a_nul_escape_is_found_and_an_escaped_backslash_is_not_one() {
        assert!(has_nul(br#"{"body":"a\u0000b"}"#));
        assert!(
            has_nul(br#"{"body":"\\\u0000"}"#),
            "an escaped backslash, then NUL"
        );
        assert!(!has_nul(br#"{"body":"\\u0000"}"#), "a backslash, then text");
        assert!(!has_nul(br#"{"body":"u0000 \u0001"}"#));
    }

    #[test]
    fn a_bad_query_value_names_its_parameter() {
        let e =
            query_error("Failed to deserialize query string: limit: invalid digit found in string");
        assert_eq!(e.body().error.field.as_deref(), Some("limit"));
        assert_eq!(e.status(), 422);
        let e = query_error("Failed to deserialize query string: something odd");
        assert_eq!(e.body().error.field.as_deref(), Some("query"));
    }

    #[test]
    fn wrong_type_names_the_field() {
        let e = data_error("Failed to deserialize the JSON body into the target type: name: invalid type: integer `5`, expected a string at line 1 column 9");
        assert_eq!(e.body().error.field.as_deref(), Some("name"));
    }
}
