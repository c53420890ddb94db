//! `order:watch` / `order:unwatch`: a socket asks to follow one order; the
//! server checks that its user takes part in it before joining the room.

use mealstream_core::service;
use model::error::AppError;
use model::requests::{Done, UnwatchOrder, WatchOrder, Watching};
use model::rooms::Room;
use model::OrderId;
use serde_json::Value;
use socketioxide::adapter::Adapter;

use super::call::{positive_id, Call, Rights};

/// Reads `{orderId}` strictly: a positive integer, nothing else.
fn parse_watch(data: Value) -> Result<WatchOrder, AppError> {
    let order_id = OrderId(positive_id(data, "orderId")?);
    Ok(WatchOrder { order_id })
}

pub async fn on_watch<A: Adapter>(call: Call<A>) {
    call.answer::<WatchOrder>(Rights::ReadNow, async |mut c| {
        let req = parse_watch(c.value()?)?;
        let order = service::orders::get(c.ctx, &c.me.user, req.order_id).await?;
        c.socket.join(Room::order(order.id));
        let last_location = order.last_location.clone();
        Ok(Watching {
            order,
            last_location,
        })
    })
    .await;
}

pub async fn on_unwatch<A: Adapter>(call: Call<A>) {
    call.answer::<UnwatchOrder>(Rights::Held, async |mut c| {
        let req = parse_watch(c.value()?)?;
        c.socket.leave(Room::order(req.order_id));
        Ok(Done {})
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<WatchOrder, AppError> {
        parse_watch(v)
    }

    #[test]
    fn only_a_positive_integer_order_id_is_accepted() {
        assert_eq!(
            parse(serde_json::json!({"orderId": 4})).unwrap().order_id,
            OrderId(4)
        );
        for bad in [
            serde_json::json!({"orderId": "4"}),
            serde_json::json!({"orderId": -1}),
            serde_json::json!({"orderId": 0}),
            serde_json::json!({"orderId": 1.5}),
            serde_json::json!("4"),
            serde_json::json!({}),
        ] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
    }
}
