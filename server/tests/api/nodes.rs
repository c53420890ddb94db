//! Several real `mealstream` processes sharing one PostgreSQL database and
//! one Redis, as behind a load balancer: events, sessions and sign-outs
//! cross nodes; a killed node's clients catch up on another by replay; a
//! terminated node drains and exits 0.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::cluster::{cluster, jar};
use crate::helpers::next_event;

#[tokio::test]
async fn a_login_and_a_change_on_one_node_reach_a_socket_on_the_other() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = cluster().await;
    let customer_jar = jar();
    let on_a = a.client(customer_jar.clone());
    on_a.login_demo("customer@mealstream.test").await;
    // The session signed in on A is valid on B, over HTTP and Socket.IO.
    let on_b = b.client(customer_jar);
    let me: Value = on_b.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["email"], "customer@mealstream.test");
    let (_socket, mut events) = on_b.socket(on_b.cookie_header().as_deref()).await;
    next_event(&mut events, "hello")
        .await
        .expect("hello from node B");

    let staff = a.client(jar());
    staff.login_demo("restaurant@mealstream.test").await;
    let id = on_a.place_order().await["id"].as_i64().unwrap();
    let created = next_event(&mut events, "order:created")
        .await
        .expect("created on A, seen on B");
    assert_eq!(created["orderId"], id);
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 200);
    let changed = next_event(&mut events, "order:status_changed")
        .await
        .expect("a change committed on A reaches the socket on B");
    assert_eq!(
        (changed["orderId"].as_i64(), changed["to"].as_str()),
        (Some(id), Some("confirmed"))
    );

    // Signing out on A ends the session's socket on B.
    on_a.client
        .post(on_a.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("revoked on B");
    assert_eq!(revoked["reason"], "signed out");
    assert_eq!(on_b.get("/api/me").await.status(), 401);
}

#[tokio::test]
async fn suspension_through_one_node_cuts_the_users_socket_on_the_other() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = cluster().await;
    let driver = b.client(jar());
    let me = driver.login_demo("driver@mealstream.test").await;
    let (_socket, mut events) = driver.socket(driver.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello on B");

    let admin = a.client(jar());
    admin.login_demo("admin@mealstream.test").await;
    let id = me["id"].as_i64().unwrap();
    let res = admin
        .post_json(&format!("/api/admin/users/{id}/suspend"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("revoked on B at once");
    assert_eq!(revoked["reason"], "suspended");
    assert_eq!(
        driver.get("/api/me").await.status(),
        401,
        "the next request is refused"
    );
    let again = driver.login("driver@mealstream.test", "mealstream").await;
    assert_eq!(again.status(), 403, "a suspended user cannot sign in");
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(
        body["error"]["code"], "suspended",
        "and is told why: {body}"
    );

    let res = admin
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        driver
            .login("driver@mealstream.test", "mealstream")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn sign_in_failures_count_against_one_limit_across_nodes() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = cluster().await;
    let (on_a, on_b) = (a.client(jar()), b.client(jar()));
    for (i, node) in [&on_a, &on_b, &on_a, &on_b, &on_a].into_iter().enumerate() {
        let res = node
            .login("customer2@mealstream.test", "wrong password!")
            .await;
        assert_eq!(res.status(), 401, "failure {i}");
    }
    // Five failures in all, on two nodes: the account is locked on both.
    for node in [&on_a, &on_b] {
        let res = node.login("customer2@mealstream.test", "mealstream").await;
        assert_eq!(res.status(), 429);
    }
}

#[tokio::test]
async fn a_driver_taken_on_one_node_is_followed_through_the_other() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, b) = cluster().await;
    // The driver's phone talks to B.
    let driver_jar = jar();
    let phone = b.client(driver_jar.clone());
    phone.login_demo("driver@mealstream.test").await;
    assert_eq!(
        phone
            .post_json("/api/driver/availability", &json!({ "online": true }))
            .await
            .status(),
        200
    );
    let at = phone
        .post_json(
            "/api/driver/location",
            &json!({ "lat": 38.7125, "lng": -9.1380 }),
        )
        .await;
    assert_eq!(at.status(), 202);

    // The order is placed, confirmed and accepted through A: A's dispatch
    // sees the driver's position (kept in Redis by B).
    let customer = a.client(jar());
    customer.login_demo("customer@mealstream.test").await;
    let staff = a.client(jar());
    staff.login_demo("restaurant@mealstream.test").await;
    let id = customer.place_order().await["id"].as_i64().unwrap();
    assert_eq!(staff.set_status(id, "confirmed").await.status(), 200);
    let on_a = a.client(driver_jar);
    let accepted = on_a
        .post_json(&format!("/api/orders/{id}/accept"), &json!({}))
        .await;
    assert_eq!(
        accepted.status(),
        200,
        "the offer reached the driver through Redis"
    );

    let (socket, mut events) = customer.socket(customer.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    let ack = crate::helpers::emit_ack(&socket, "order:watch", json!({ "orderId": id })).await;
    assert_eq!(ack["ok"], true);
    assert_eq!(
        ack["lastLocation"]["lat"], 38.7125,
        "the last position, read from Redis"
    );

    // B knows the delivery A assigned: the next position reaches the customer on A.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let moved = phone
        .post_json(
            "/api/driver/location",
            &json!({ "lat": 38.7110, "lng": -9.1375 }),
        )
        .await;
    assert_eq!(moved.status(), 202);
    let update = next_event(&mut events, "delivery:location_update")
        .await
        .expect("the position reaches A");
    assert_eq!(
        (update["orderId"].as_i64(), update["lat"].as_f64()),
        (Some(id), Some(38.7110))
    );
    assert!(update["etaSeconds"].as_i64().unwrap() > 0);
}

/// Every event of the replay, up to `hello`.
async fn replay(events: &mut mpsc::UnboundedReceiver<(String, Value)>) -> Vec<(String, Value)> {
    let mut got = Vec::new();
    while let Ok(Some((name, value))) =
        tokio::time::timeout(Duration::from_secs(5), events.recv()).await
    {
        match name.as_str() {
            "hello" => return got,
            "connect" => {}
            _ => got.push((name, value)),
        }
    }
    panic!("no hello after the replay; got {got:?}");
}

#[tokio::test]
async fn a_client_of_a_killed_node_reconnects_to_another_and_misses_nothing() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, mut b) = cluster().await;
    let customer_jar = jar();
    let on_b = b.client(customer_jar.clone());
    on_b.login_demo("customer@mealstream.test").await;
    let (socket, mut events) = on_b.socket(on_b.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    let id = on_b.place_order().await["id"].as_i64().unwrap();
    let last_seen = next_event(&mut events, "order:created").await.unwrap()["eventId"]
        .as_i64()
        .unwrap();

    b.child.start_kill().expect("SIGKILL");
    b.child.wait().await.expect("node B is gone");
    drop(socket);
    let staff = a.client(jar());
    staff.login_demo("restaurant@mealstream.test").await;
    for status in ["confirmed", "preparing", "ready"] {
        assert_eq!(staff.set_status(id, status).await.status(), 200);
    }

    let on_a = a.client(customer_jar);
    let (_again, mut replayed) = on_a
        .socket_with_auth(
            on_a.cookie_header().as_deref(),
            json!({ "lastEventId": last_seen }),
        )
        .await;
    let got = replay(&mut replayed).await;
    let steps: Vec<(&str, &str)> = got
        .iter()
        .map(|(n, v)| (n.as_str(), v["to"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        steps,
        [
            ("order:status_changed", "confirmed"),
            ("notification:new", ""),
            ("order:status_changed", "preparing"),
            ("notification:new", ""),
            ("order:status_changed", "ready"),
            ("notification:new", "")
        ],
        "every missed event once, in order"
    );
    let ids: Vec<i64> = got
        .iter()
        .map(|(_, v)| v["eventId"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > last_seen,
        "{ids:?}"
    );
}

#[tokio::test]
async fn sigterm_under_load_drains_and_exits_zero_without_a_5xx() {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let (a, mut b) = cluster().await;
    let customer = b.client(jar());
    customer.login_demo("customer@mealstream.test").await;
    let (_socket, mut events) = customer.socket(customer.cookie_header().as_deref()).await;
    next_event(&mut events, "hello").await.expect("hello");
    let stream = customer.get("/api/events/stream").await;
    assert_eq!(stream.status(), 200);

    // Eight clients keep reading and ordering until the node goes away.
    let mut load = Vec::new();
    for _ in 0..8 {
        let client = customer.client.clone();
        let body = crate::helpers::order_body(&customer, 1).await;
        let base = b.base.clone();
        load.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for i in 0.. {
                let res = if i % 4 == 0 {
                    client
                        .post(format!("{base}/api/orders"))
                        .json(&body)
                        .send()
                        .await
                } else {
                    client.get(format!("{base}/api/orders")).send().await
                };
                match res {
                    Ok(res) => statuses.push(res.status().as_u16()),
                    // Refused once the node stops accepting: the load balancer's cue.
                    Err(_) => break,
                }
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = std::time::Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &b.pid().to_string()])
        .status();
    assert!(killed.expect("kill").success());
    let exit = tokio::time::timeout(Duration::from_secs(15), b.child.wait())
        .await
        .expect("the node exits within the grace period")
        .expect("exit status");
    assert_eq!(exit.code(), Some(0), "exit 0; log:\n{}", b.output());
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "took {:?}",
        started.elapsed()
    );

    // The open socket and SSE stream did not hold the exit up: the node
    // closed them (clients reconnect elsewhere) instead of waiting out the grace.
    assert!(
        !b.output().contains("stopping anyway"),
        "log:\n{}",
        b.output()
    );
    drop(stream);

    let (mut answered, mut placed) = (0, 0);
    for task in load {
        let statuses = task.await.unwrap();
        let errors: Vec<String> = b
            .output()
            .lines()
            .filter(|l| l.contains("ERROR"))
            .map(str::to_owned)
            .collect();
        assert!(
            statuses.iter().all(|s| *s < 500),
            "no 5xx: {statuses:?}\n{errors:#?}"
        );
        answered += statuses.len();
        placed += statuses.iter().filter(|s| **s == 201).count();
    }
    assert!(
        placed > 0 && answered > 8,
        "the load ran: {answered} answers"
    );
    // Nothing committed is lost: node A sees every order B accepted.
    let on_a = a.client(jar());
    on_a.login_demo("customer@mealstream.test").await;
    let orders: Vec<Value> = on_a.get("/api/orders").await.json().await.unwrap();
    assert_eq!(orders.len(), placed);
}
