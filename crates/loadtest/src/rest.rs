//! The REST side of the write scenarios: whose API places the orders and
//! changes their status. Mealstream's is driven as each order's restaurant
//! staff (through `Fixture`); the same-work peer's (bench/peers/express-pg:
//! `POST /orders`, `POST /orders/{id}/status`) trusts the customer and
//! restaurant numbers it is given, having no accounts.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::accounts::{Account, Fixture, Kitchen, Order};

/// Whose REST API places orders and changes them.
pub enum Api {
    /// As each order's restaurant staff, signed in.
    Mealstream {
        fixture: Arc<Fixture>,
        customers: Vec<Account>,
        kitchens: Vec<Kitchen>,
    },
    /// Customers and restaurants are numbers there, `0..customers` and
    /// `0..kitchens`.
    ExpressPg {
        peer: PeerApi,
        customers: usize,
        kitchens: usize,
    },
}

impl Api {
    pub async fn place(
        &self,
        count: usize,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<Vec<Order>> {
        match self {
            Api::Mealstream {
                fixture,
                customers,
                kitchens,
            } => {
                fixture
                    .place_many(customers, kitchens, count, progress)
                    .await
            }
            Api::ExpressPg {
                peer,
                customers,
                kitchens,
            } => {
                peer.place_many(*customers, *kitchens, count, progress)
                    .await
            }
        }
    }

    pub async fn change(&self, order: &Order, status: &str) -> anyhow::Result<()> {
        match self {
            Api::Mealstream {
                fixture, kitchens, ..
            } => {
                fixture
                    .set_status(&kitchens[order.kitchen].staff, order.id, status)
                    .await
            }
            Api::ExpressPg { peer, .. } => peer.set_status(order.id, status).await,
        }
    }
}

pub struct PeerApi {
    base: String,
    http: reqwest::Client,
}

impl PeerApi {
    pub fn new(base: String) -> anyhow::Result<PeerApi> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(PeerApi { base, http })
    }

    /// Creates `count` orders, round robin over `customers` and `kitchens`
    /// (the numbers in the watchers' `user:` and `restaurant:` rooms).
    pub async fn place_many(
        &self,
        customers: usize,
        kitchens: usize,
        count: usize,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<Vec<Order>> {
        stream::iter(0..count)
            .map(|i| async move {
                let (customer, kitchen) = (i % customers, i % kitchens);
                let order = self
                    .post(
                        "/orders",
                        &json!({ "customerId": customer, "restaurantId": kitchen }),
                    )
                    .await?;
                progress.inc(1);
                Ok::<_, anyhow::Error>(Order {
                    id: order["id"].as_i64().context("order without an id")?,
                    customer,
                    kitchen,
                })
            })
            .buffered(16)
            .try_collect()
            .await
    }

    pub async fn set_status(&self, order_id: i64, status: &str) -> anyhow::Result<()> {
        self.post(
            &format!("/orders/{order_id}/status"),
            &json!({ "status": status }),
        )
        .await
        .map(drop)
    }

    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("POST {path}: {status} {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }
}
