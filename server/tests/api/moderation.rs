//! Suspension and reinstatement on one node: only admins, at once.

use serde_json::json;

use crate::helpers::{available, next_event, spawn_app, spawn_app_on, Backend};

#[tokio::test]
async fn an_admin_suspends_a_user_whose_socket_is_cut_and_reinstates_them() {
    let app = spawn_app().await;
    let (customer, _socket, mut events, me) = app.connect_as("customer@mealstream.test").await;
    let admin = app.other_client();
    let admin_me = admin.login_demo("admin@mealstream.test").await;
    let id = me["id"].as_i64().unwrap();

    // The suspension pushes `session:revoked` before it answers (no
    // sweep runs more often than once a minute), so the wait is no timing
    // bet: the event arrives, or the test fails after five seconds.
    let res = admin
        .post_json(&format!("/api/admin/users/{id}/suspend"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["suspended"], true);
    let revoked = next_event(&mut events, "session:revoked")
        .await
        .expect("session:revoked");
    assert_eq!(revoked["reason"], "suspended");
    assert_eq!(customer.get("/api/me").await.status(), 401);

    // Admins only; not yourself; an unknown user is 404.
    let res = customer
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 401, "the suspended user is signed out");
    let other = app.other_client();
    other.login_demo("customer2@mealstream.test").await;
    let res = other
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 403);
    let own = admin_me["id"].as_i64().unwrap();
    assert_eq!(
        admin
            .post_json(&format!("/api/admin/users/{own}/suspend"), &json!({}))
            .await
            .status(),
        409
    );
    assert_eq!(
        admin
            .post_json("/api/admin/users/999999/suspend", &json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        admin
            .post_json("/api/admin/users/abc/suspend", &json!({}))
            .await
            .status(),
        404
    );

    let res = admin
        .post_json(&format!("/api/admin/users/{id}/reinstate"), &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        customer
            .login("customer@mealstream.test", "mealstream")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_announcement_reaches_its_audience_live_and_stays_in_their_notifications() {
    let app = spawn_app().await;
    let (_driver, _ds, mut driver_events, _) = app.connect_as("driver@mealstream.test").await;
    let (customer, _cs, mut customer_events, _) = app.connect_as("customer@mealstream.test").await;
    let admin = app.other_client();
    admin.login_demo("admin@mealstream.test").await;

    let res = admin
        .post_json(
            "/api/admin/announcements",
            &json!({ "message": "Rain tonight: ride safe", "audience": "driver" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let sent: serde_json::Value = res.json().await.unwrap();
    assert_eq!(sent["recipients"], 2, "both demo drivers");
    let got = next_event(&mut driver_events, "system:announcement")
        .await
        .expect("drivers hear it");
    assert_eq!(
        (got["message"].as_str(), got["from"].as_str()),
        (Some("Rain tonight: ride safe"), Some("Ana Admin"))
    );
    assert!(got["eventId"].as_i64().is_some(), "logged, so replayed");
    // Kept for each driver by one INSERT ... SELECT, without an event per
    // user: the bell reads the list again when the announcement arrives.
    let driver = app.other_client();
    driver.login_demo("driver@mealstream.test").await;
    let kept: serde_json::Value = driver.get("/api/notifications").await.json().await.unwrap();
    assert_eq!(kept["items"][0]["body"], "Rain tonight: ride safe");
    assert_eq!(kept["items"][0]["kind"], "system:announcement");
    assert_eq!(kept["unread"], 1);
    let mut extra =
        crate::helpers::drain(&mut driver_events, std::time::Duration::from_millis(300)).await;
    extra.retain(|(n, _)| n == "notification:new");
    assert!(extra.is_empty(), "no event per recipient: {extra:?}");
    let other =
        crate::helpers::drain(&mut customer_events, std::time::Duration::from_millis(300)).await;
    assert!(
        other.iter().all(|(n, _)| n != "system:announcement"),
        "customers were not in the audience"
    );

    let everyone = admin
        .post_json(
            "/api/admin/announcements",
            &json!({ "message": "Hello all", "audience": "everyone" }),
        )
        .await;
    assert_eq!(everyone.status(), 201);
    next_event(&mut customer_events, "system:announcement")
        .await
        .expect("everyone means everyone");

    for bad in [
        json!({ "message": "", "audience": "everyone" }),
        json!({ "message": "x".repeat(501), "audience": "driver" }),
        json!({ "message": "hi", "audience": "martians" }),
    ] {
        assert_eq!(
            admin
                .post_json("/api/admin/announcements", &bad)
                .await
                .status(),
            422,
            "{bad}"
        );
    }
    let by_customer = customer
        .post_json(
            "/api/admin/announcements",
            &json!({ "message": "hi", "audience": "everyone" }),
        )
        .await;
    assert_eq!(by_customer.status(), 403);
}

#[tokio::test]
async fn admin_figures_and_users_are_for_admins_only() {
    let app = spawn_app().await;
    let (_c, _cs, _ce, _) = app.connect_as("customer@mealstream.test").await;
    let admin = app.other_client();
    admin.login_demo("admin@mealstream.test").await;
    let stats: serde_json::Value = admin.get("/api/admin/stats").await.json().await.unwrap();
    let customers = stats["socketsByRole"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "customer")
        .unwrap()["count"]
        .as_i64();
    assert_eq!(customers, Some(1), "{stats}");
    for key in [
        "onlineDrivers",
        "activeOrders",
        "openDisputes",
        "eventsLastMinute",
        "restaurants",
    ] {
        assert!(stats[key].is_i64(), "{key}: {stats}");
    }
    let users: Vec<serde_json::Value> = admin.get("/api/admin/users").await.json().await.unwrap();
    assert!(users
        .iter()
        .any(|u| u["email"] == "driver@mealstream.test" && u["suspended"] == false));
    let customer = app.other_client();
    customer.login_demo("customer2@mealstream.test").await;
    for path in ["/api/admin/stats", "/api/admin/users"] {
        assert_eq!(customer.get(path).await.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn users_are_found_by_name_email_role_and_state_a_page_at_a_time() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_on(backend).await;
        let admin = app.other_client();
        admin.login_demo("admin@mealstream.test").await;
        let list = |path: String| {
            let admin = &admin;
            async move {
                admin
                    .get_list(&path)
                    .await
                    .iter()
                    .map(|u| u["email"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        // By part of the email or the name, in any case.
        let drivers = list("/api/admin/users?q=DRIVER".into()).await;
        assert!(
            drivers.contains(&"driver@mealstream.test".to_owned()),
            "{backend:?}"
        );
        assert!(drivers.contains(&"driver2@mealstream.test".to_owned()));
        assert!(drivers.iter().all(|e| e.contains("driver")), "{drivers:?}");
        // By role, and by state.
        let by_role = admin.get_list("/api/admin/users?role=restaurant").await;
        assert!(!by_role.is_empty() && by_role.iter().all(|u| u["role"] == "restaurant"));
        let victim = admin.get_list("/api/admin/users?q=customer2%40").await;
        let id = victim[0]["id"].as_i64().unwrap();
        let res = admin
            .post_json(&format!("/api/admin/users/{id}/suspend"), &json!({}))
            .await;
        assert_eq!(res.status(), 200);
        let suspended = list("/api/admin/users?suspended=true".into()).await;
        assert_eq!(suspended, vec!["customer2@mealstream.test"], "{backend:?}");
        let active = list("/api/admin/users?suspended=false&role=customer".into()).await;
        assert!(active.contains(&"customer@mealstream.test".to_owned()));
        assert!(!active.contains(&"customer2@mealstream.test".to_owned()));
        // LIKE's wildcards match themselves.
        assert!(list("/api/admin/users?q=%25".into()).await.is_empty());
        // Pages: newest first, the next `before` the last shown.
        let all = admin.get_list("/api/admin/users").await;
        let first = admin.get_list("/api/admin/users?limit=2").await;
        assert_eq!(first[..], all[..2]);
        let next = admin
            .get_list(&format!(
                "/api/admin/users?limit=2&before={}",
                first[1]["id"]
            ))
            .await;
        assert_eq!(next[..], all[2..4]);
        // Bad filters name their parameter.
        for (path, field) in [
            ("/api/admin/users?role=chef", "role"),
            ("/api/admin/users?suspended=maybe", "suspended"),
            ("/api/admin/users?limit=501", "limit"),
            ("/api/admin/users?before=0", "before"),
        ] {
            let res = admin.get(path).await;
            assert_eq!(res.status(), 422, "{path}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"]["field"], field, "{path}");
        }
    }
}
