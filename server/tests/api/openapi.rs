//! `/api/openapi.json` describes every REST endpoint, with its bodies and
//! its error responses. (scripts/fuzz-api.sh runs schemathesis against it.)

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_openapi_document_covers_every_endpoint_with_its_errors() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/auth/register", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"),
        ("/api/me", "get"),
        ("/api/restaurants", "get"),
        ("/api/restaurants/{id}", "get"),
        ("/api/restaurants/{id}", "patch"),
        ("/api/restaurants/{id}/menu", "post"),
        ("/api/menu-items/{id}", "patch"),
        ("/api/orders", "post"),
        ("/api/orders", "get"),
        ("/api/orders/{id}", "get"),
        ("/api/orders/{id}/status", "post"),
        ("/api/orders/{id}/accept", "post"),
        ("/api/orders/{id}/decline", "post"),
        ("/api/driver/deliveries", "get"),
        ("/api/driver/availability", "post"),
        ("/api/driver/offers", "get"),
        ("/api/driver/location", "post"),
        ("/api/events", "get"),
        ("/api/events/stream", "get"),
        ("/api/orders/{id}/messages", "get"),
        ("/api/orders/{id}/messages", "post"),
        ("/api/notifications", "get"),
        ("/api/orders/{id}/dispute", "post"),
        ("/api/disputes", "get"),
        ("/api/disputes/{id}/resolve", "post"),
        ("/api/notifications/read", "post"),
        ("/api/admin/users", "get"),
        ("/api/admin/stats", "get"),
        ("/api/admin/announcements", "post"),
        ("/api/admin/users/{id}/suspend", "post"),
        ("/api/admin/users/{id}/reinstate", "post"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.contains_key("503"),
            "{method} {path} documents 503"
        );
        if let Some(body) = op.get("requestBody") {
            assert!(
                body["content"]["application/json"]["schema"].is_object(),
                "{method} {path} body"
            );
            assert!(
                responses.contains_key("422"),
                "{method} {path} documents 422"
            );
        }
    }
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(error["required"][0], "error");
    let order = &doc["components"]["schemas"]["Order"]["properties"];
    assert!(
        order["totalCents"].is_object() && order["history"].is_object(),
        "camelCase fields"
    );
    // Ids are typed in Rust (`OrderId`, `UserId`...) but plain integers here.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(order["id"]["$ref"], "#/components/schemas/OrderId");
    for id in [
        "OrderId",
        "UserId",
        "RestaurantId",
        "MenuItemId",
        "DisputeId",
    ] {
        assert_eq!(schemas[id]["type"], "integer", "{id}");
        assert_eq!(schemas[id]["format"], "int64", "{id}");
    }
    let restaurant = &schemas["Party_RestaurantId"]["properties"]["id"];
    assert_eq!(restaurant["type"], "integer", "an order's restaurant id");
}
