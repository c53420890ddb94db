//! `menu:watch` / `menu:unwatch`: a socket follows the price and
//! availability of the one menu its page shows. Menus are public: any
//! signed-in socket may watch any restaurant that exists.

use mealstream_core::service;
use model::error::AppError;
use model::requests::{Done, UnwatchMenu, WatchMenu};
use model::rooms::Room;
use model::RestaurantId;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

use super::call::{positive_id, Call, Rights};

/// Reads `{restaurantId}` strictly: a positive integer, nothing else.
fn parse_watch(data: Value) -> Result<WatchMenu, AppError> {
    let restaurant_id = RestaurantId(positive_id(data, "restaurantId")?);
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

pub async fn on_watch<A: Adapter>(call: Call<A>) {
    call.answer::<WatchMenu>(Rights::Held, async |mut c| {
        let req = parse_watch(c.value()?)?;
        service::restaurants::get(c.ctx, req.restaurant_id).await?;
        leave_menus(c.socket);
        c.socket.join(Room::menu(req.restaurant_id));
        Ok(Done {})
    })
    .await;
}

pub async fn on_unwatch<A: Adapter>(call: Call<A>) {
    call.answer::<UnwatchMenu>(Rights::Held, async |c| {
        leave_menus(c.socket);
        Ok(Done {})
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_positive_integer_restaurant_id_is_accepted() {
        let parse = parse_watch;
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
