//! Mealstream's side of a scenario's setup: accounts written straight into
//! the fresh database (as `simulate` does), then real sign-ins, orders and
//! status changes through the public REST API.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use anyhow::{bail, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use model::geo::CITY_CENTRE;
use model::{MenuItemId, RestaurantId, Role, UserId, DEMO_PASSWORD};

use crate::seeds::SeedDb;
use crate::targets::Target;
use serde_json::{json, Value};

/// One signed-in account.
#[derive(Clone, Debug)]
pub struct Account {
    pub cookie: String,
}

#[derive(Clone, Debug)]
pub struct Kitchen {
    pub restaurant_id: RestaurantId,
    pub menu_item_id: MenuItemId,
    pub staff: Account,
    pub lat: f64,
    pub lng: f64,
}

/// Talks to one Mealstream deployment. Sign-ins come from many loopback
/// addresses, like real users, so the per-address sign-in limit (120 a
/// minute) holds for each of them. Other calls go to its nodes in turn: a
/// session is good on every node.
pub struct Fixture {
    db: Box<dyn SeedDb>,
    bases: Vec<String>,
    turn: std::sync::atomic::AtomicUsize,
    clients: Vec<reqwest::Client>,
    signed_in: std::sync::atomic::AtomicUsize,
    pub api: reqwest::Client,
}

const SIGN_INS_PER_ADDRESS: usize = 100;

fn client(local: Option<IpAddr>) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .local_address(local)
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(256)
        .build()?)
}

impl Fixture {
    /// For `target`'s nodes and database; `sign_ins` accounts to come.
    pub async fn new(target: &Target, sign_ins: usize) -> anyhow::Result<Fixture> {
        let bases = target.base_urls();
        anyhow::ensure!(!bases.is_empty(), "no Mealstream node to talk to");
        let db = target.seed_db().await?;
        let addresses = sign_ins.div_ceil(SIGN_INS_PER_ADDRESS).max(1);
        let clients = (0..addresses)
            .map(|i| {
                client(Some(IpAddr::V4(Ipv4Addr::new(
                    127,
                    0,
                    (1 + i / 250) as u8,
                    (2 + i % 250) as u8,
                ))))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Fixture {
            db,
            bases,
            turn: std::sync::atomic::AtomicUsize::new(0),
            clients,
            signed_in: std::sync::atomic::AtomicUsize::new(0),
            api: client(None)?,
        })
    }

    /// Creates `count` accounts of `role` and signs each in.
    pub async fn accounts(
        &self,
        role: Role,
        tag: &str,
        count: usize,
    ) -> anyhow::Result<Vec<Account>> {
        let created = self.create(role, tag, count).await?;
        self.sign_in_all(created).await
    }

    async fn create(
        &self,
        role: Role,
        tag: &str,
        count: usize,
    ) -> anyhow::Result<Vec<(UserId, String)>> {
        let mut created = Vec::with_capacity(count);
        for i in 0..count {
            let email = format!("lt-{tag}-{i}@loadtest.test");
            let id = self
                .db
                .user(&email, &format!("Load {tag} {i}"), role)
                .await?;
            created.push((id, email));
        }
        Ok(created)
    }

    async fn sign_in_all(&self, users: Vec<(UserId, String)>) -> anyhow::Result<Vec<Account>> {
        stream::iter(users)
            .map(|(_, email)| async move {
                let n = self
                    .signed_in
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let http = &self.clients[(n / SIGN_INS_PER_ADDRESS) % self.clients.len()];
                let cookie = self.sign_in(http, &email).await?;
                Ok::<_, anyhow::Error>(Account { cookie })
            })
            .buffered(8)
            .try_collect()
            .await
    }

    async fn sign_in(&self, http: &reqwest::Client, email: &str) -> anyhow::Result<String> {
        let res = http
            .post(format!("{}/api/auth/login", self.bases[0]))
            .json(&json!({ "email": email, "password": DEMO_PASSWORD }))
            .send()
            .await?;
        if !res.status().is_success() {
            bail!(
                "sign-in of {email} refused: {} {}",
                res.status(),
                res.text().await.unwrap_or_default()
            );
        }
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .collect::<Vec<_>>()
            .join("; ");
        if cookie.is_empty() {
            bail!("no session cookie for {email}");
        }
        Ok(cookie)
    }

    /// `count` restaurants around the centre, each with one dish and one
    /// signed-in member of staff.
    pub async fn kitchens(&self, count: usize) -> anyhow::Result<Vec<Kitchen>> {
        let staff = self.create(Role::Restaurant, "kitchen", count).await?;
        let mut places = Vec::with_capacity(count);
        for (i, (staff_id, _)) in staff.iter().enumerate() {
            let angle = i as f64 * 0.7;
            let (lat, lng) = (
                CITY_CENTRE.lat + 0.01 * angle.sin(),
                CITY_CENTRE.lng + 0.01 * angle.cos(),
            );
            let name = format!("Load Kitchen {i}");
            let (restaurant_id, menu_item_id) = self.db.kitchen(&name, lat, lng, *staff_id).await?;
            places.push((restaurant_id, menu_item_id, lat, lng));
        }
        // Signed in once they are staff, so their sockets join the kitchen's room.
        let staff = self.sign_in_all(staff).await?;
        Ok(places
            .into_iter()
            .zip(staff)
            .map(|((restaurant_id, menu_item_id, lat, lng), staff)| Kitchen {
                restaurant_id,
                menu_item_id,
                staff,
                lat,
                lng,
            })
            .collect())
    }

    /// The customer places an order at the kitchen: its id.
    pub async fn place(&self, customer: &Account, kitchen: &Kitchen) -> anyhow::Result<i64> {
        let body = json!({
            "restaurantId": kitchen.restaurant_id,
            "items": [{ "menuItemId": kitchen.menu_item_id, "quantity": 1 }],
            "dropoff": {
                "address": "2 Bench Road",
                "lat": kitchen.lat + 0.004,
                "lng": kitchen.lng + 0.004,
            },
        });
        let order = self.call(customer, "POST", "/api/orders", &body).await?;
        order["id"].as_i64().context("order without an id")
    }

    /// Places `count` orders, round robin over customers and kitchens.
    pub async fn place_many(
        &self,
        customers: &[Account],
        kitchens: &[Kitchen],
        count: usize,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<Vec<Order>> {
        let orders: Vec<Order> = stream::iter(0..count)
            .map(|i| async move {
                let customer = i % customers.len();
                let kitchen = i % kitchens.len();
                let id = self.place(&customers[customer], &kitchens[kitchen]).await?;
                progress.inc(1);
                Ok::<_, anyhow::Error>(Order {
                    id,
                    customer,
                    kitchen,
                })
            })
            .buffered(16)
            .try_collect()
            .await?;
        Ok(orders)
    }

    /// `POST /api/orders/{id}/status` as `who`.
    pub async fn set_status(
        &self,
        who: &Account,
        order_id: i64,
        status: &str,
    ) -> anyhow::Result<()> {
        self.call(
            who,
            "POST",
            &format!("/api/orders/{order_id}/status"),
            &json!({ "status": status }),
        )
        .await
        .map(drop)
    }

    pub async fn call(
        &self,
        who: &Account,
        method: &str,
        path: &str,
        body: &Value,
    ) -> anyhow::Result<Value> {
        let turn = self.turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let url = format!("{}{path}", self.bases[turn % self.bases.len()]);
        let req = match method {
            "GET" => self.api.get(url),
            _ => self.api.post(url).json(body),
        };
        let res = req.header("cookie", &who.cookie).send().await?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{method} {path}: {status} {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn close(self) {
        self.db.close().await;
    }
}

/// An order the generator drives: indexes into its customers and kitchens.
#[derive(Clone, Copy, Debug)]
pub struct Order {
    pub id: i64,
    pub customer: usize,
    pub kitchen: usize,
}
