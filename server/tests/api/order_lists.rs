//! Lists of orders: found by number, name, email (admins only) and status,
//! a page at a time, never wider than what the caller may see; bad filters
//! are 422s naming the parameter. Run on both backends: the search is SQL.

use serde_json::Value;

use crate::helpers::{available, customer_and_staff, spawn_app_on, Backend, TestApp};

fn ids(list: &[Value]) -> Vec<i64> {
    list.iter().map(|o| o["id"].as_i64().unwrap()).collect()
}

async fn refused(client: &TestApp, path: &str) -> Option<String> {
    let res = client.get(path).await;
    assert_eq!(res.status(), 422, "{path}");
    let body: Value = res.json().await.unwrap();
    body["error"]["field"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn orders_are_found_by_number_name_email_and_status_a_page_at_a_time() {
    for backend in available([Backend::Sqlite, Backend::Postgres]) {
        let app = spawn_app_on(backend).await;
        let (customer, staff) = customer_and_staff(&app).await;
        let admin = app.other_client();
        admin.login_demo("admin@mealstream.test").await;
        let other = app.other_client();
        let other_me = other.login_demo("customer2@mealstream.test").await;
        let mut mine = Vec::new();
        for _ in 0..3 {
            mine.push(customer.place_order().await["id"].as_i64().unwrap());
        }
        let theirs = other.place_order().await["id"].as_i64().unwrap();
        assert_eq!(staff.set_status(mine[1], "confirmed").await.status(), 200);

        // By number, with or without '#'.
        for q in [format!("{}", mine[0]), format!("%23{}", mine[0])] {
            let found = admin.get_list(&format!("/api/orders?q={q}")).await;
            assert_eq!(ids(&found), vec![mine[0]], "{backend:?} q={q}");
        }
        // By status.
        let confirmed = admin.get_list("/api/orders?status=confirmed").await;
        assert!(ids(&confirmed).contains(&mine[1]), "{backend:?}");
        assert!(confirmed.iter().all(|o| o["status"] == "confirmed"));
        // By the restaurant's name, in any case, and with a status too.
        let tasca = admin.get_list("/api/orders?q=TASCA%20do").await;
        for id in mine.iter().chain([&theirs]) {
            assert!(ids(&tasca).contains(id), "{backend:?}: #{id} at Tasca");
        }
        let placed = admin.get_list("/api/orders?q=tasca&status=placed").await;
        assert!(!ids(&placed).contains(&mine[1]) && ids(&placed).contains(&mine[0]));
        // By the customer's name, and for admins by email.
        let name = other_me["name"].as_str().unwrap();
        let by_name = admin
            .get_list(&format!("/api/orders?q={}", name.replace(' ', "%20")))
            .await;
        assert!(ids(&by_name).contains(&theirs), "{backend:?}: by {name}");
        assert!(mine.iter().all(|id| !ids(&by_name).contains(id)));
        let by_email = admin.get_list("/api/orders?q=customer2%40mealstream").await;
        assert_eq!(ids(&by_email), vec![theirs], "{backend:?}");
        // Staff see Tasca's orders, but never find a customer by email.
        assert!(ids(&staff.get_list(&format!("/api/orders?q={theirs}")).await) == vec![theirs]);
        assert!(staff
            .get_list("/api/orders?q=customer2%40mealstream")
            .await
            .is_empty());
        // A search never widens a customer's list to another's orders.
        let own = customer
            .get_list(&format!("/api/orders?q={}", name.replace(' ', "%20")))
            .await;
        assert!(own.is_empty(), "{backend:?}: {own:?}");
        assert!(customer
            .get_list(&format!("/api/orders?q={theirs}"))
            .await
            .is_empty());
        // LIKE's wildcards are matched as themselves.
        assert!(admin.get_list("/api/orders?q=%25").await.is_empty());
        assert!(admin.get_list("/api/orders?q=_").await.is_empty());

        // Pages: newest first, the next one `before` the last one shown.
        let first = ids(&customer.get_list("/api/orders?limit=2").await);
        assert_eq!(first, vec![mine[2], mine[1]], "{backend:?}");
        let next = ids(&customer
            .get_list(&format!("/api/orders?limit=2&before={}", first[1]))
            .await);
        assert_eq!(next, vec![mine[0]], "{backend:?}");

        // Bad filters name their parameter.
        for (path, field) in [
            ("/api/orders?status=lost", "status"),
            ("/api/orders?limit=0", "limit"),
            ("/api/orders?limit=201", "limit"),
            ("/api/orders?limit=ten", "limit"),
            ("/api/orders?before=-1", "before"),
            ("/api/orders?active=maybe", "active"),
        ] {
            assert_eq!(
                refused(&admin, path).await.as_deref(),
                Some(field),
                "{path}"
            );
        }
        let long = "x".repeat(101);
        assert_eq!(
            refused(&admin, &format!("/api/orders?q={long}"))
                .await
                .as_deref(),
            Some("q")
        );
    }
}
