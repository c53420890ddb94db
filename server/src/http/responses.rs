//! The error responses many endpoints share, declared once for the OpenAPI
//! document: a path lists its success and its own errors, then these.

use model::error::ErrorBody;
use utoipa::IntoResponses;

// The types are only read by the OpenAPI derive, never built.

/// What any endpoint reading a JSON body may answer about that body.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum BodyErrors {
    /// malformed JSON
    #[response(status = 400)]
    Malformed(ErrorBody),
    /// body over 64 KiB
    #[response(status = 413)]
    TooLarge(ErrorBody),
}

/// A field of the input is refused.
#[derive(IntoResponses)]
#[response(status = 422, description = "a field is invalid (named in `field`)")]
#[allow(dead_code)]
pub struct InvalidField(ErrorBody);

/// Any endpoint that needs someone signed in.
#[derive(IntoResponses)]
#[response(status = 401, description = "not signed in")]
#[allow(dead_code)]
pub struct SignedOut(ErrorBody);

/// Any endpoint that needs a role the caller does not have.
#[derive(IntoResponses)]
#[response(status = 403, description = "not allowed for this user")]
#[allow(dead_code)]
pub struct NotAllowed(ErrorBody);

/// Admin endpoints, to anyone else.
#[derive(IntoResponses)]
#[response(status = 403, description = "admins only")]
#[allow(dead_code)]
pub struct AdminsOnly(ErrorBody);

/// An id that does not exist and one the caller may not see answer alike.
#[derive(IntoResponses)]
#[response(status = 404, description = "no such resource, or not yours")]
#[allow(dead_code)]
pub struct NotYours(ErrorBody);

/// Any endpoint that touches the database or Redis.
#[derive(IntoResponses)]
#[response(status = 503, description = "the database or Redis is unavailable")]
#[allow(dead_code)]
pub struct Unavailable(ErrorBody);
