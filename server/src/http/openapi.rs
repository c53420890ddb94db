//! `GET /api/openapi.json`: the REST API described from the handlers'
//! own annotations and the types they read and write.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::OpenApi;

use super::{
    admin, auth, chat, disputes, driver, events, notifications, orders, restaurants, stream,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mealstream API",
        description = "Food delivery with realtime built in. Every error is `{\"error\": {\"code\", \"message\", \"field\"?}}`. \
                       Sign in with POST /api/auth/login; the session cookie `mealstream.sid` authenticates the rest, \
                       and the Socket.IO handshake."
    ),
    components(schemas(model::error::ErrorBody)),
    security(("session" = []))
)]
struct Base;

/// The whole document, built once per request (it is small).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Base::openapi();
    for part in [
        auth::Api::openapi(),
        chat::Api::openapi(),
        disputes::Api::openapi(),
        notifications::Api::openapi(),
        restaurants::Api::openapi(),
        orders::Api::openapi(),
        driver::Api::openapi(),
        events::Api::openapi(),
        stream::Api::openapi(),
        admin::Api::openapi(),
    ] {
        doc.merge(part);
    }
    if let Some(components) = doc.components.as_mut() {
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::sessions::COOKIE_NAME,
            ))),
        );
    }
    doc
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
