//! `menu:watch` / `menu:unwatch`: a socket follows the price and
//! availability of the one menu its page shows. Menus are public: any
//! signed-in socket may watch any restaurant that exists.

use mealstream_core::service::{self, Ctx};
use model::error::AppError;
use model::requests::{Done, UnwatchMenu, WatchMenu};
use model::rooms::Room;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, MaybeExtension, SocketRef, State, TryData};

use super::reply;
use super::socket_user::SocketUser;
use model::RestaurantId;

/// Reads `{restaurantId}` strictly: a positive integer, nothing else.
fn parse_watch(data: Result<Value, impl std::fmt::Display>) -> Result<WatchMenu, AppError> {
    let restaurant_id = RestaurantId(super::positive_id(data, "restaurantId")?);
    Ok(WatchMenu { restaurant_id })
}

/// Leaves whatever menu the socket followed.
fn leave_menus<A: Adapter>(s: &SocketRef<A>) {
    for room in s.rooms() {
        if room.starts_with(Room::MENU_PREFIX) {
            s.leave(room);
        }
    }
}

pub async fn on_watch<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        let req = parse_watch(data)?;
        service::restaurants::get(&ctx, req.restaurant_id).await?;
        leave_menus(&s);
        s.join(Room::menu(req.restaurant_id));
        Ok(Done {})
    }
    .await;
    reply::<A, WatchMenu>(ack, result);
}

pub async fn on_unwatch<A: Adapter>(s: SocketRef<A>, ack: AckSender<A>) {
    let result = super::limits::spend(&s).map(|()| {
        leave_menus(&s);
        Done {}
    });
    reply::<A, UnwatchMenu>(ack, result);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_positive_integer_restaurant_id_is_accepted() {
        let parse = |v: Value| parse_watch(Ok::<_, String>(v));
        assert_eq!(
            parse(serde_json::json!({"restaurantId": 3}))
                .unwrap()
                .restaurant_id,
            RestaurantId(3)
        );
        for bad in [
            serde_json::json!({"restaurantId": "3"}),
            serde_json::json!({"restaurantId": 0}),
            serde_json::json!({"orderId": 3}),
            serde_json::json!(null),
        ] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
    }
}
