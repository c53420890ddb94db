//! The error responses many endpoints share, declared once for the OpenAPI
//! document: a path lists its success and its own errors, then one set
//! named for what kind of endpoint it is.

use std::collections::BTreeMap;

use model::error::ErrorBody;
use utoipa::openapi::{RefOr, Response};
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

/// The `{id}` of a path: a positive number (anything else is 404).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct PathId {
    /// numeric id
    id: i64,
}

/// Declares an error set: the union of the responses of its parts, for
/// the endpoints of one kind.
macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident = $($part:ty),+) => {
        $(#[$doc])*
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                let mut all = BTreeMap::new();
                $(all.extend(<$part>::responses());)+
                all
            }
        }
    };
}

error_set!(
    /// A read by anyone signed in.
    SignedInRead = SignedOut, Unavailable
);
error_set!(
    /// A read for one role (drivers, restaurants).
    RoleRead = SignedOut, NotAllowed, Unavailable
);
error_set!(
    /// A read of one thing the caller takes part in.
    OwnRead = SignedOut, NotAllowed, NotYours, Unavailable
);
error_set!(
    /// An admin's read.
    AdminRead = SignedOut, AdminsOnly, Unavailable
);
error_set!(
    /// A form anyone may send (sign-up, sign-in).
    PublicWrite = BodyErrors, InvalidField, Unavailable
);
error_set!(
    /// A write by one role, of a new thing.
    RoleWrite = BodyErrors, InvalidField, SignedOut, NotAllowed, Unavailable
);
error_set!(
    /// A write to one thing the caller owns or takes part in.
    OwnWrite = BodyErrors, InvalidField, SignedOut, NotAllowed, NotYours, Unavailable
);
