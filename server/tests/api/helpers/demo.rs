//! The demo data as tests use it: an order at Tasca do Rossio, its
//! customer and staff, a driver online nearby.

use rust_socketio::asynchronous::Client as SocketClient;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{next_event, TestApp};

impl TestApp {
    /// A signed-in client of its own and its live socket, past `hello`.
    pub async fn connect_as(
        &self,
        email: &str,
    ) -> (
        TestApp,
        SocketClient,
        mpsc::UnboundedReceiver<(String, Value)>,
        Value,
    ) {
        let client = self.other_client();
        let user = client.login_demo(email).await;
        let (socket, mut events) = client.socket(client.cookie_header().as_deref()).await;
        next_event(&mut events, "hello").await.expect("hello");
        (client, socket, events, user)
    }

    /// A placed order of one item of the first restaurant (Tasca do Rossio).
    pub async fn place_order(&self) -> Value {
        let body = order_body(self, 1).await;
        let res = self.post_json("/api/orders", &body).await;
        assert_eq!(res.status(), 201, "checkout");
        res.json().await.unwrap()
    }

    pub async fn set_status(&self, order_id: i64, status: &str) -> reqwest::Response {
        self.post_json(
            &format!("/api/orders/{order_id}/status"),
            &json!({ "status": status }),
        )
        .await
    }
}

/// The id of the restaurant that `restaurant@mealstream.test` works for.
pub async fn tasca(app: &TestApp) -> Value {
    let list: Vec<Value> = app.get("/api/restaurants").await.json().await.unwrap();
    let tasca = list
        .into_iter()
        .find(|r| r["name"] == "Tasca do Rossio")
        .expect("demo restaurant");
    app.get(&format!("/api/restaurants/{}", tasca["id"]))
        .await
        .json()
        .await
        .unwrap()
}

pub async fn order_body(app: &TestApp, quantity: i64) -> Value {
    let restaurant = tasca(app).await;
    json!({
        "restaurantId": restaurant["id"],
        "items": [{ "menuItemId": restaurant["menu"][0]["id"], "quantity": quantity }],
        "dropoff": { "address": "Praça do Comércio 1, Lisboa", "lat": 38.7076, "lng": -9.1365 },
    })
}

/// A spot a few metres from Tasca do Rossio, the demo's first restaurant.
pub const NEAR_TASCA: (f64, f64) = (38.7125, -9.1380);

/// The demo customer and the staff of Tasca do Rossio, each signed in on
/// a client of their own.
pub async fn customer_and_staff(app: &TestApp) -> (TestApp, TestApp) {
    let customer = app.other_client();
    customer.login_demo("customer@mealstream.test").await;
    let staff = app.other_client();
    staff.login_demo("restaurant@mealstream.test").await;
    (customer, staff)
}

/// An order `customer` placed and `staff` confirmed: on offer to the
/// drivers online near the restaurant. Returns its id.
pub async fn confirmed_order(customer: &TestApp, staff: &TestApp) -> i64 {
    let id = customer.place_order().await["id"].as_i64().unwrap();
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 200);
    id
}

/// An order the driver took, from the kitchen's first step to `to`
/// ("out_for_delivery" or "delivered").
pub async fn deliver(staff: &TestApp, driver: &TestApp, id: i64, to: &str) {
    for status in ["preparing", "ready"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }
    for status in ["out_for_delivery", "delivered"] {
        assert_eq!(driver.set_status(id, status).await.status(), 200);
        if status == to {
            return;
        }
    }
}

/// A demo driver, signed in on a client of its own, online at `at`.
pub async fn online_driver(app: &TestApp, email: &str, at: (f64, f64)) -> TestApp {
    let driver = app.other_client();
    driver.login_demo(email).await;
    go_online(&driver, at).await;
    driver
}

/// The signed-in driver goes online and reports a position at `at`.
pub async fn go_online(driver: &TestApp, at: (f64, f64)) {
    let res = driver
        .post_json("/api/driver/availability", &json!({ "online": true }))
        .await;
    assert_eq!(res.status(), 200);
    let res = driver
        .post_json("/api/driver/location", &json!({ "lat": at.0, "lng": at.1 }))
        .await;
    assert_eq!(res.status(), 202);
}
