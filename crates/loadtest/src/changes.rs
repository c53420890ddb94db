//! Making lifecycle changes at a steady rate. On Mealstream and on the
//! same-work peer a change is a real `POST .../orders/{id}/status` (a
//! database transaction) to an order placed beforehand; on the relay peers
//! it is a publish to the order's rooms, which is all they do. Each order
//! goes placed -> confirmed -> preparing -> ready -> cancelled, one change
//! at a time, then the next order takes its place.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::accounts::Order;
use super::rest::Api;
use super::stats::Latencies;
use super::swarm::{self, Pace};
use super::wire::Conn;

pub const STEPS: [&str; 4] = ["confirmed", "preparing", "ready", "cancelled"];

/// A change's identity as every watcher sees it: (order id, step).
pub type Key = (i64, u8);

pub fn key_of(data: &serde_json::Value) -> Option<Key> {
    let order = data["orderId"].as_i64()?;
    let to = data["to"].as_str()?;
    let step = STEPS.iter().position(|s| *s == to)? as u8;
    Some((order, step))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Clone, Copy, Debug)]
struct Slot {
    order: Order,
    step: usize,
}

/// Who makes the changes.
pub enum Maker {
    /// Through a REST API, to orders placed ahead of time (`top_up`).
    Rest {
        api: Api,
        orders: Mutex<VecDeque<Order>>,
    },
    Publish {
        publishers: Vec<Conn>,
        ack: bool,
        customers: usize,
        kitchens: usize,
        next_id: AtomicI64,
        turn: AtomicUsize,
    },
}

impl Maker {
    fn fresh(&self) -> Option<Order> {
        match self {
            Maker::Rest { orders, .. } => lock(orders).pop_front(),
            Maker::Publish {
                customers,
                kitchens,
                next_id,
                ..
            } => {
                let id = next_id.fetch_add(1, Ordering::Relaxed);
                Some(Order {
                    id,
                    customer: id as usize % customers,
                    kitchen: id as usize % kitchens,
                })
            }
        }
    }

    async fn change(&self, order: &Order, step: usize) -> anyhow::Result<()> {
        match self {
            Maker::Rest { api, .. } => api.change(order, STEPS[step]).await,
            Maker::Publish {
                publishers,
                ack,
                turn,
                ..
            } => {
                let to = vec![
                    format!("order:{}", order.id),
                    format!("user:{}", order.customer),
                    format!("restaurant:{}", order.kitchen),
                    "role:admin".to_owned(),
                ];
                let payload = json!({
                    "to": to,
                    "event": "order:status_changed",
                    "data": { "orderId": order.id, "to": STEPS[step] },
                });
                let conn = &publishers[turn.fetch_add(1, Ordering::Relaxed) % publishers.len()];
                if *ack {
                    conn.emit_ack("publish", payload).await.map(drop)
                } else {
                    conn.emit("publish", payload)
                }
            }
        }
    }
}

/// Changes still expected at some watchers.
#[derive(Default)]
pub struct Tracker {
    pending: Mutex<HashMap<Key, (Instant, u32)>>,
    pub latencies: Latencies,
    pub delivered: AtomicU64,
    pub unexpected: AtomicU64,
}

impl Tracker {
    fn expect(&self, key: Key, watchers: u32) {
        lock(&self.pending).insert(key, (Instant::now(), watchers));
    }

    fn forget(&self, key: Key) {
        lock(&self.pending).remove(&key);
    }

    /// A watcher received `key`.
    pub fn received(&self, key: Key) {
        let mut pending = lock(&self.pending);
        match pending.get_mut(&key) {
            Some((sent, left)) => {
                self.latencies.record(sent.elapsed());
                self.delivered.fetch_add(1, Ordering::Relaxed);
                *left -= 1;
                if *left == 0 {
                    pending.remove(&key);
                }
            }
            None => {
                self.unexpected.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Deliveries still missing.
    pub fn missing(&self) -> u64 {
        lock(&self.pending)
            .values()
            .map(|(_, l)| u64::from(*l))
            .sum()
    }

    /// Waits until nothing is missing, or `limit`.
    pub async fn drain(&self, limit: Duration) {
        let until = Instant::now() + limit;
        while self.missing() > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Gives up on what is still missing: the lost deliveries.
    pub fn write_off(&self) -> u64 {
        let lost = self.missing();
        lock(&self.pending).clear();
        lost
    }
}

/// One completed change: what, for which customer, when it was answered.
#[derive(Clone, Copy, Debug)]
pub struct Done {
    pub key: Key,
    pub customer: usize,
    pub at: Instant,
}

pub struct Generator {
    maker: Maker,
    /// Orders in flight at once.
    active: usize,
    ready: Mutex<VecDeque<Slot>>,
    tracker: Option<(Arc<Tracker>, u32)>,
    pub done: Mutex<Vec<Done>>,
    pub ok: AtomicU64,
    pub errors: AtomicU64,
    pub first_error: Mutex<Option<String>>,
    /// Changes due but with no order free to take them (the server is not keeping up).
    pub shortfall: AtomicU64,
    in_flight: AtomicUsize,
}

const MAX_IN_FLIGHT: usize = 1024;

impl Generator {
    /// `active` orders in flight; each change expected by `watchers`
    /// sockets in `tracker`.
    pub fn new(
        maker: Maker,
        active: usize,
        tracker: Option<(Arc<Tracker>, u32)>,
    ) -> Arc<Generator> {
        Arc::new(Generator {
            maker,
            active,
            ready: Mutex::new(VecDeque::new()),
            tracker,
            done: Mutex::new(Vec::new()),
            ok: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            first_error: Mutex::new(None),
            shortfall: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        })
    }

    /// Places orders until `needed` fresh ones wait, before a measured
    /// phase (placing is not measured). The publishers make theirs up.
    pub async fn top_up(&self, needed: usize) -> anyhow::Result<()> {
        let Maker::Rest { api, orders } = &self.maker else {
            return Ok(());
        };
        let missing = needed.saturating_sub(lock(orders).len());
        let progress = swarm::bar(missing as u64, "placing orders");
        let more = api.place(missing, &progress).await?;
        progress.finish();
        lock(orders).extend(more);
        Ok(())
    }

    /// Makes `per_second` changes a second until `stop` resolves.
    pub async fn run(
        self: &Arc<Self>,
        per_second: u32,
        stop: impl std::future::Future<Output = ()>,
    ) {
        {
            let mut ready = lock(&self.ready);
            while ready.len() < self.active {
                match self.maker.fresh() {
                    Some(order) => ready.push_back(Slot { order, step: 0 }),
                    None => break,
                }
            }
        }
        let mut pace = Pace::new(per_second);
        let mut tick = tokio::time::interval(Duration::from_millis(2));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = tick.tick() => {
                    for _ in 0..pace.due() {
                        self.start_one();
                    }
                }
            }
        }
        // Let the changes already sent finish.
        let until = Instant::now() + Duration::from_secs(10);
        while self.in_flight.load(Ordering::Relaxed) > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn start_one(self: &Arc<Self>) {
        if self.in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT {
            self.shortfall.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let Some(slot) = lock(&self.ready).pop_front() else {
            self.shortfall.fetch_add(1, Ordering::Relaxed);
            return;
        };
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        let me = self.clone();
        tokio::spawn(async move {
            let key = (slot.order.id, slot.step as u8);
            if let Some((tracker, watchers)) = &me.tracker {
                tracker.expect(key, *watchers);
            }
            match me.maker.change(&slot.order, slot.step).await {
                Ok(()) => {
                    me.ok.fetch_add(1, Ordering::Relaxed);
                    lock(&me.done).push(Done {
                        key,
                        customer: slot.order.customer,
                        at: Instant::now(),
                    });
                    let next = if slot.step + 1 < STEPS.len() {
                        Some(Slot {
                            order: slot.order,
                            step: slot.step + 1,
                        })
                    } else {
                        me.maker.fresh().map(|order| Slot { order, step: 0 })
                    };
                    if let Some(next) = next {
                        lock(&me.ready).push_back(next);
                    }
                }
                Err(e) => {
                    me.errors.fetch_add(1, Ordering::Relaxed);
                    lock(&me.first_error).get_or_insert_with(|| format!("{e:#}"));
                    if let Some((tracker, _)) = &me.tracker {
                        tracker.forget(key);
                    }
                    // The order is in an unknown state: take a fresh one.
                    if let Some(order) = me.maker.fresh() {
                        lock(&me.ready).push_back(Slot { order, step: 0 });
                    }
                }
            }
            me.in_flight.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_event() {
        let e = json!({"orderId": 9, "to": "ready", "from": "preparing"});
        assert_eq!(key_of(&e), Some((9, 2)));
        assert_eq!(key_of(&json!({"orderId": 9, "to": "delivered"})), None);
        assert_eq!(key_of(&json!({"to": "ready"})), None);
    }

    #[test]
    fn tracker_counts_each_watcher_once() {
        let t = Tracker::default();
        t.expect((1, 0), 2);
        t.received((1, 0));
        assert_eq!(t.missing(), 1);
        t.received((1, 0));
        t.received((1, 0));
        assert_eq!((t.missing(), t.delivered.load(Ordering::Relaxed)), (0, 2));
        assert_eq!(t.unexpected.load(Ordering::Relaxed), 1);
        t.expect((2, 1), 3);
        assert_eq!(t.write_off(), 3);
        assert_eq!(t.latencies.take().samples, 2);
    }
}
