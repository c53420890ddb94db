//! The one error type. Its `Display` is the public message: safe to show a
//! user. Internal causes are logged where the error becomes a response, never
//! returned to a client.

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the body or payload could not be read at all.
    #[error("{0}")]
    Malformed(String),
    /// 422: a field is missing or has a bad value.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("not signed in")]
    Unauthenticated,
    /// 401, one message for a wrong password and an unknown email alike.
    #[error("wrong email or password")]
    BadCredentials,
    /// 403 at sign-in: the password was right, the account is suspended.
    #[error("this account is suspended; contact support if you think this is a mistake")]
    Suspended,
    #[error("not allowed")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// 409: another driver accepted the delivery first.
    #[error("another driver took this delivery")]
    Taken,
    #[error("{0}")]
    TooLarge(String),
    /// 422: an idempotency key sent again with a different order.
    #[error("this Idempotency-Key was already used for a different order")]
    IdempotencyKeyReused,
    /// 429, with how many seconds until a retry may pass (`Retry-After`).
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// 503: the database or Redis cannot be reached right now.
    #[error("service unavailable, try again shortly")]
    Unavailable,
    #[cfg(feature = "ssr")]
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The JSON body of every error: `{"error": {"code", "message", "field"?}}`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
}

impl ErrorDetail {
    /// The sentence to show a person. For a field error it leaves out the
    /// field's name, since it is shown beside the field.
    pub fn sentence(&self) -> String {
        let message = &self.message;
        let text = match &self.field {
            Some(field) => message
                .strip_prefix(field.as_str())
                .and_then(|m| m.strip_prefix(": "))
                .unwrap_or(message),
            None => message,
        };
        sentence(text)
    }
}

impl AppError {
    pub fn rate_limited(message: impl Into<String>, retry_after: std::time::Duration) -> Self {
        Self::RateLimited {
            message: message.into(),
            // Whole seconds, at least one: "0" would invite a retry at once.
            retry_after: retry_after.as_secs_f64().ceil().max(1.0) as u64,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Invalid { .. } => "invalid",
            Self::Unauthenticated => "unauthenticated",
            Self::BadCredentials => "bad_credentials",
            Self::Suspended => "suspended",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Taken => "taken",
            Self::TooLarge(_) => "too_large",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable => "unavailable",
            #[cfg(feature = "ssr")]
            Self::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) => 400,
            Self::Invalid { .. } | Self::IdempotencyKeyReused => 422,
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden | Self::Suspended => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) | Self::Taken => 409,
            Self::TooLarge(_) => 413,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            #[cfg(feature = "ssr")]
            Self::Internal(_) => 500,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let field = match self {
            Self::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
                field,
            },
        }
    }
}

/// "a partial refund is 1 to 20 cents" -> "A partial refund is 1 to 20 cents."
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::response::{IntoResponse, Response};
    use axum::Json;

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            match e {
                // The database is down or saturated: the caller may retry.
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                    tracing::warn!(error = %e, "database unavailable");
                    AppError::Unavailable
                }
                // SQLite busy/locked past the timeout, PostgreSQL deadlock or
                // serialization failure: nothing was written, a retry may pass.
                sqlx::Error::Database(ref db)
                    if matches!(db.code().as_deref(), Some("5" | "6" | "40001" | "40P01")) =>
                {
                    tracing::warn!(error = %e, "database busy");
                    AppError::Unavailable
                }
                // PostgreSQL refuses NUL in text (REST bodies are checked
                // before this; server functions and socket payloads are not).
                sqlx::Error::Database(ref db)
                    if matches!(db.code().as_deref(), Some("22021" | "22P05")) =>
                {
                    AppError::invalid("body", "text must not contain the NUL character (\\u0000)")
                }
                other => {
                    tracing::error!(error = ?other, "database error");
                    AppError::Internal(other.into())
                }
            }
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(e: tower_sessions::session::Error) -> Self {
            tracing::warn!(error = %e, "session store unavailable");
            AppError::Unavailable
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            if let AppError::Internal(cause) = &self {
                tracing::error!(error = ?cause, "internal error");
            }
            let status = axum::http::StatusCode::from_u16(self.status())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, Json(self.body())).into_response();
            if let AppError::RateLimited { retry_after, .. } = &self {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(*retry_after),
                );
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn a_field_error_reads_as_a_sentence_without_the_field_name() {
        let detail = AppError::invalid("refundCents", "a partial refund is €0.01 to €5.00")
            .body()
            .error;
        assert_eq!(detail.field.as_deref(), Some("refundCents"));
        assert_eq!(detail.sentence(), "A partial refund is €0.01 to €5.00.");
        let bad = AppError::BadCredentials;
        assert_eq!((bad.status(), bad.code()), (401, "bad_credentials"));
        assert_eq!(bad.body().error.sentence(), "Wrong email or password.");
        assert_eq!(AppError::Suspended.status(), 403);
    }
}
