//! Text holding a NUL character (`\u0000`): PostgreSQL refuses it, so it
//! was a 500 there (and stored on SQLite). It is a 422 on both backends,
//! over REST and over the socket, and nothing is written.

use serde_json::{json, Value};

use crate::helpers::{available, emit_ack, next_event, order_body, spawn_app_on, Backend};

#[tokio::test]
async fn text_with_a_nul_is_refused_on_every_path_and_nothing_is_written() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_on(backend).await;
        let customer = app.other_client();
        customer.login_demo("customer@mealstream.test").await;

        // REST: a checkout whose note holds a NUL.
        let before = customer.get_list("/api/orders").await.len();
        let mut body = order_body(&customer, 1).await;
        body["note"] = json!("Ring\u{0}twice");
        let res = customer.post_json("/api/orders", &body).await;
        assert_eq!(res.status(), 422, "{backend:?}");
        let error: Value = res.json().await.unwrap();
        assert!(
            error["error"]["message"].as_str().unwrap().contains("NUL"),
            "{error}"
        );
        assert_eq!(customer.get_list("/api/orders").await.len(), before);

        // A search.
        let res = customer.get("/api/orders?q=a%00b").await;
        assert_eq!(res.status(), 422, "{backend:?}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["error"]["field"], "q");

        // The socket: a chat message (its payload skips the REST check; the
        // database's refusal is the answer).
        let id = customer.place_order().await["id"].as_i64().unwrap();
        let (socket, mut events) = customer.socket(customer.cookie_header().as_deref()).await;
        next_event(&mut events, "hello").await.expect("hello");
        let ack = emit_ack(
            &socket,
            "chat:send",
            json!({ "orderId": id, "body": "a\u{0}b", "clientId": "nul-1" }),
        )
        .await;
        assert_eq!(ack["ok"], false, "{backend:?}: {ack}");
        assert_eq!(ack["error"]["code"], "invalid", "{backend:?}: {ack}");
        let history: Value = customer
            .get(&format!("/api/orders/{id}/messages"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(history["messages"], json!([]), "{backend:?}");
        // The socket still works.
        let ack = emit_ack(
            &socket,
            "chat:send",
            json!({ "orderId": id, "body": "hello", "clientId": "nul-2" }),
        )
        .await;
        assert_eq!(ack["ok"], true, "{ack}");
    }
}
