//! Room names come from here and nowhere else, so the server joins and
//! emits to exactly the same strings.

use crate::{OrderId, RestaurantId, Role, UserId};

pub struct Room;

impl Room {
    pub fn user(id: UserId) -> String {
        format!("user:{id}")
    }

    pub fn role(role: Role) -> String {
        format!("role:{}", role.as_str())
    }

    pub fn restaurant(id: RestaurantId) -> String {
        format!("restaurant:{id}")
    }

    pub fn order(id: OrderId) -> String {
        format!("{}{id}", Self::ORDER_PREFIX)
    }

    pub const ORDER_PREFIX: &'static str = "order:";

    /// People looking at one restaurant's menu (`menu:watch`).
    pub fn menu(restaurant_id: RestaurantId) -> String {
        format!("{}{restaurant_id}", Self::MENU_PREFIX)
    }

    pub const MENU_PREFIX: &'static str = "menu:";

    /// `key` is `service::auth::session_key`, never the secret session id.
    pub fn session(key: &str) -> String {
        format!("session:{key}")
    }

    pub const DRIVERS_ONLINE: &'static str = "drivers:online";

    /// Sockets still replaying what they missed: the log tail skips them,
    /// so no live event overtakes their replay (see `realtime::connect`).
    /// No event is ever addressed to it.
    pub const CATCHING_UP: &'static str = "sync:catching-up";

    /// Whether a socket is in `room` because it asked (`order:watch`,
    /// `menu:watch`, going online) or because it is catching up, rather
    /// than by right of its user and session. A replay reads only the
    /// rooms by right, so no logged event goes to these.
    pub fn joined_on_request(room: &str) -> bool {
        room.starts_with(Self::ORDER_PREFIX)
            || room.starts_with(Self::MENU_PREFIX)
            || room == Self::DRIVERS_ONLINE
            || room == Self::CATCHING_UP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_follow_the_contract() {
        assert_eq!(Room::user(UserId(7)), "user:7");
        assert_eq!(Room::role(Role::Restaurant), "role:restaurant");
        assert_eq!(Room::restaurant(RestaurantId(2)), "restaurant:2");
        assert_eq!(Room::order(OrderId(9)), "order:9");
        assert_eq!(Room::menu(RestaurantId(3)), "menu:3");
        assert_eq!(Room::session("abc"), "session:abc");
    }

    #[test]
    fn rooms_joined_on_request_are_told_from_rooms_by_right() {
        for asked in [
            Room::order(OrderId(9)),
            Room::menu(RestaurantId(3)),
            Room::DRIVERS_ONLINE.to_owned(),
            Room::CATCHING_UP.to_owned(),
        ] {
            assert!(Room::joined_on_request(&asked), "{asked}");
        }
        for by_right in [
            Room::user(UserId(9)),
            Room::role(Role::Admin),
            Room::restaurant(RestaurantId(9)),
            Room::session("order:9"),
        ] {
            assert!(!Room::joined_on_request(&by_right), "{by_right}");
        }
    }
}
