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
    #[error("not allowed")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    RateLimited(String),
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

impl AppError {
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
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::TooLarge(_) => "too_large",
            Self::RateLimited(_) => "rate_limited",
            Self::Unavailable => "unavailable",
            #[cfg(feature = "ssr")]
            Self::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) => 400,
            Self::Invalid { .. } => 422,
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::TooLarge(_) => 413,
            Self::RateLimited(_) => 429,
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
            (status, Json(self.body())).into_response()
        }
    }
}
