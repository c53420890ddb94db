//! Wake-up hints between nodes: after a node's log tail reads events that
//! were committed on that node, it publishes the newest id on a Redis
//! channel; every node's tail wakes and reads the log up to it. A hint
//! carries no event (the database does): a lost one only delays delivery
//! until the tail's next poll.

use anyhow::Context;
use fred::prelude::{
    ClientLike, Config as RedisConfig, EventInterface, Pool, PubsubInterface, ReconnectPolicy,
};
use mealstream_core::service::{tail, Ctx};
use model::EventId;

/// Subscribes this node to the others' hints and returns what publishes its own.
pub async fn start(url: &str, prefix: &str, pool: Pool, ctx: &Ctx) -> anyhow::Result<tail::Hint> {
    let channel = format!("{prefix}:log-committed");
    let config = RedisConfig::from_url(url).context("invalid REDIS_URL")?;
    let subscriber = fred::prelude::Builder::from_config(config)
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
        .build_subscriber_client()
        .context("cannot create the Redis subscriber for log hints")?;
    subscriber
        .init()
        .await
        .context("cannot connect the Redis subscriber for log hints")?;
    // Subscribes again after every reconnection.
    // The task it starts runs on by itself; its handle is not needed.
    drop(subscriber.manage_subscriptions());
    subscriber
        .subscribe(channel.clone())
        .await
        .context("cannot subscribe to the log hints")?;
    let mut hints = subscriber.message_rx();
    let emitter = ctx.emitter.clone();
    tokio::spawn(async move {
        // Keeps the subscriber alive as long as hints are read.
        let _subscriber = subscriber;
        loop {
            let heard = tokio::select! {
                _ = emitter.closed() => break,
                heard = hints.recv() => heard,
            };
            match heard {
                Ok(message) => {
                    let newest = message.value.as_i64().unwrap_or_default();
                    emitter.heard_of(EventId(newest));
                }
                // Fell behind: waking once covers every missed hint.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    emitter.heard_of(EventId(0))
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    Ok(Box::new(move |newest: EventId| {
        let pool = pool.clone();
        let channel = channel.clone();
        tokio::spawn(async move {
            if let Err(e) = pool.next().publish::<(), _, _>(channel, newest.0).await {
                tracing::debug!(error = %e, "log hint not published; other nodes poll");
            }
        });
    }))
}
