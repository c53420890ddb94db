//! How a server function fails, for the server and the browser alike. The
//! error itself, [`AppError`], and its JSON body live in `model::error`.

pub use model::error::{AppError, ErrorBody, ErrorDetail};
use serde::{Deserialize, Serialize};

/// How a server function fails: the REST error body and its HTTP status.
/// The server puts that status on the response; the browser decodes the
/// same value, and pages branch on `error.code`, never on the message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", error.message)]
pub struct ApiError {
    /// The HTTP status; 0 when the server could not be reached at all.
    pub status: u16,
    pub error: ErrorDetail,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: &str) -> Self {
        let api = Self {
            status,
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.to_owned(),
                field: None,
            },
        };
        #[cfg(feature = "ssr")]
        api.set_response_status();
        api
    }

    pub fn code(&self) -> &str {
        &self.error.code
    }

    /// The input field a validation error is about.
    pub fn field(&self) -> Option<&str> {
        self.error.field.as_deref()
    }

    /// The sentence to show a person (see [`ErrorDetail::sentence`]).
    pub fn message(&self) -> String {
        self.error.sentence()
    }

    /// On the server: the response carries this error's status.
    #[cfg(feature = "ssr")]
    fn set_response_status(&self) {
        if let (Some(options), Ok(status)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(self.status),
        ) {
            options.set_status(status);
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        #[cfg(feature = "ssr")]
        if let AppError::Internal(cause) = &e {
            tracing::error!(error = ?cause, "internal error");
        }
        let api = Self {
            status: e.status(),
            error: e.body().error,
        };
        #[cfg(feature = "ssr")]
        api.set_response_status();
        api
    }
}

impl leptos::server_fn::error::FromServerFnError for ApiError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    /// What the server-function machinery itself reports: an unreadable
    /// request is the caller's fault (400), an unreachable server is
    /// nobody's (status 0), anything else is ours.
    fn from_server_fn_error(e: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match e {
            E::Request(_) => Self::new(
                0,
                "offline",
                "cannot reach the server, check your connection",
            ),
            E::Args(_) | E::MissingArg(_) => {
                Self::new(400, "malformed", "the request could not be read")
            }
            E::Deserialization(_) => Self::new(
                0,
                "unreadable",
                "the answer could not be read, reload the page",
            ),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                let _ = other;
                Self::new(
                    500,
                    "internal",
                    "something went wrong on our side, try again",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ApiError, AppError};

    #[test]
    fn a_field_error_reads_as_a_sentence_without_the_field_name() {
        let api = ApiError::from(AppError::invalid(
            "refundCents",
            "a partial refund is €0.01 to €5.00",
        ));
        assert_eq!(api.status, 422);
        assert_eq!(api.field(), Some("refundCents"));
        assert_eq!(api.message(), "A partial refund is €0.01 to €5.00.");
        let api = ApiError::from(AppError::BadCredentials);
        assert_eq!((api.status, api.code()), (401, "bad_credentials"));
        assert_eq!(api.message(), "Wrong email or password.");
        assert_eq!(ApiError::from(AppError::Suspended).status, 403);
    }
}
