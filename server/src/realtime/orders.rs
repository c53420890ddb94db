//! `order:watch` / `order:unwatch`: a socket asks to follow one order; the
//! server checks that its user takes part in it before joining the room.

use mealstream_core::service::{self, Ctx};
use model::error::AppError;
use model::requests::{Done, UnwatchOrder, WatchOrder, Watching};
use model::rooms::Room;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, MaybeExtension, SocketRef, State, TryData};

use super::reply;
use super::socket_user::SocketUser;
use model::OrderId;

/// Reads `{orderId}` strictly: a positive integer, nothing else.
fn parse_watch(data: Result<Value, impl std::fmt::Display>) -> Result<WatchOrder, AppError> {
    let order_id = OrderId(super::positive_id(data, "orderId")?);
    Ok(WatchOrder { order_id })
}

pub async fn on_watch<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        let me = me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        super::rights::recheck(&s, &ctx, &me).await?;
        let req = parse_watch(data)?;
        let order = service::orders::get(&ctx, &me.user, req.order_id).await?;
        s.join(Room::order(order.id));
        let last_location = order.last_location.clone();
        Ok(Watching {
            order,
            last_location,
        })
    }
    .await;
    reply::<A, WatchOrder>(ack, result);
}

pub async fn on_unwatch<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
) {
    let result = super::limits::spend(&s)
        .and_then(|()| parse_watch(data))
        .map(|req| {
            s.leave(Room::order(req.order_id));
            Done {}
        });
    reply::<A, UnwatchOrder>(ack, result);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<WatchOrder, AppError> {
        parse_watch(Ok::<_, String>(v))
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
