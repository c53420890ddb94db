//! The customer's cart: lines from one restaurant, kept in the browser
//! until checkout. Prices here are for display; the server prices the order.

use serde::{Deserialize, Serialize};

use super::{CheckoutInput, CheckoutLine, MenuItem, MenuItemId, Place, RestaurantId};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    pub restaurant_id: Option<RestaurantId>,
    pub restaurant_name: String,
    pub lines: Vec<CartLine>,
    /// The note for the restaurant, kept with the cart so that signing in
    /// half-way through checkout does not lose it.
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartLine {
    pub menu_item_id: MenuItemId,
    pub name: String,
    pub price_cents: i64,
    pub quantity: i64,
}

impl Cart {
    /// Adds one of `item`. An item of another restaurant starts a new cart.
    pub fn add(&mut self, item: &MenuItem, restaurant_name: &str) {
        if self.restaurant_id != Some(item.restaurant_id) {
            *self = Cart {
                restaurant_id: Some(item.restaurant_id),
                restaurant_name: restaurant_name.to_owned(),
                ..Cart::default()
            };
        }
        match self.lines.iter_mut().find(|l| l.menu_item_id == item.id) {
            Some(line) => line.quantity = (line.quantity + 1).min(crate::MAX_QUANTITY),
            None => self.lines.push(CartLine {
                menu_item_id: item.id,
                name: item.name.clone(),
                price_cents: item.price_cents,
                quantity: 1,
            }),
        }
    }

    /// Changes a line's quantity by `delta`; at zero the line goes.
    pub fn change(&mut self, menu_item_id: MenuItemId, delta: i64) {
        if let Some(line) = self
            .lines
            .iter_mut()
            .find(|l| l.menu_item_id == menu_item_id)
        {
            line.quantity = (line.quantity + delta).min(crate::MAX_QUANTITY);
        }
        self.lines.retain(|l| l.quantity > 0);
        if self.lines.is_empty() {
            *self = Cart::default();
        }
    }

    pub fn subtotal_cents(&self) -> i64 {
        self.lines.iter().map(|l| l.price_cents * l.quantity).sum()
    }

    pub fn count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    pub fn checkout(&self, dropoff: Place) -> Option<CheckoutInput> {
        let note = Some(self.note.trim().to_owned()).filter(|n| !n.is_empty());
        Some(CheckoutInput {
            restaurant_id: self.restaurant_id?,
            items: self
                .lines
                .iter()
                .map(|l| CheckoutLine {
                    menu_item_id: l.menu_item_id,
                    quantity: l.quantity,
                })
                .collect(),
            dropoff,
            note,
        })
    }
}

/// What changed about a cart line since it was added, as the menu stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineIssue {
    /// Sold out, or gone from the menu.
    Unavailable,
    /// The price moved; the cart still shows the old one.
    PriceChanged { was: i64, now: i64 },
}

impl Cart {
    /// The lines `menu` (the restaurant's menu as it is now) no longer
    /// agrees with, to be settled before checkout.
    pub fn issues(&self, menu: &[MenuItem]) -> Vec<(MenuItemId, LineIssue)> {
        self.lines
            .iter()
            .filter_map(|line| {
                let issue = match menu.iter().find(|m| m.id == line.menu_item_id) {
                    Some(m) if !m.available => LineIssue::Unavailable,
                    Some(m) if m.price_cents != line.price_cents => LineIssue::PriceChanged {
                        was: line.price_cents,
                        now: m.price_cents,
                    },
                    Some(_) => return None,
                    None => LineIssue::Unavailable,
                };
                Some((line.menu_item_id, issue))
            })
            .collect()
    }

    /// Takes the new price of a line.
    pub fn accept_price(&mut self, menu_item_id: MenuItemId, price_cents: i64) {
        if let Some(line) = self
            .lines
            .iter_mut()
            .find(|l| l.menu_item_id == menu_item_id)
        {
            line.price_cents = price_cents;
        }
    }

    /// Drops a line whatever its quantity.
    pub fn remove(&mut self, menu_item_id: MenuItemId) {
        self.change(menu_item_id, -crate::MAX_QUANTITY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, restaurant_id: i64, price: i64) -> MenuItem {
        MenuItem {
            id: MenuItemId(id),
            restaurant_id: RestaurantId(restaurant_id),
            name: format!("item {id}"),
            description: String::new(),
            price_cents: price,
            available: true,
        }
    }

    #[test]
    fn adding_twice_counts_and_totals() {
        let mut cart = Cart::default();
        cart.add(&item(1, 7, 250), "R");
        cart.add(&item(1, 7, 250), "R");
        cart.add(&item(2, 7, 100), "R");
        assert_eq!((cart.count(), cart.subtotal_cents()), (3, 600));
    }

    #[test]
    fn an_item_of_another_restaurant_starts_over() {
        let mut cart = Cart::default();
        cart.add(&item(1, 7, 250), "R");
        cart.add(&item(5, 8, 100), "S");
        assert_eq!(cart.restaurant_id, Some(RestaurantId(8)));
        assert_eq!(cart.lines.len(), 1);
    }

    #[test]
    fn the_note_stays_with_the_cart_until_it_starts_over() {
        let mut cart = Cart::default();
        cart.add(&item(1, 7, 250), "R");
        cart.note = "  ring twice ".into();
        let saved: Cart = serde_json::from_str(&serde_json::to_string(&cart).unwrap()).unwrap();
        assert_eq!(saved, cart, "kept in the browser as it is");
        let place = Place {
            address: "Rua Augusta 1".into(),
            lat: 38.7,
            lng: -9.1,
        };
        let input = cart.checkout(place.clone()).unwrap();
        assert_eq!(input.note.as_deref(), Some("ring twice"));
        cart.note = "   ".into();
        assert_eq!(cart.checkout(place).unwrap().note, None);
        cart.note = "no onions".into();
        cart.add(&item(5, 8, 100), "S");
        assert_eq!(cart.note, "", "another restaurant, another note");
        // A cart saved before notes were kept still loads.
        let old: Cart =
            serde_json::from_str(r#"{"restaurantId":7,"restaurantName":"R","lines":[]}"#).unwrap();
        assert_eq!(old.note, "");
    }

    #[test]
    fn lines_the_menu_no_longer_agrees_with_are_flagged_until_settled() {
        let mut cart = Cart::default();
        cart.add(&item(1, 7, 250), "R");
        cart.add(&item(2, 7, 100), "R");
        cart.add(&item(3, 7, 400), "R");
        let mut sold_out = item(1, 7, 250);
        sold_out.available = false;
        let menu = [sold_out, item(2, 7, 120), item(3, 7, 400)];
        assert_eq!(
            cart.issues(&menu),
            [
                (MenuItemId(1), LineIssue::Unavailable),
                (
                    MenuItemId(2),
                    LineIssue::PriceChanged { was: 100, now: 120 }
                )
            ]
        );
        cart.remove(MenuItemId(1));
        cart.accept_price(MenuItemId(2), 120);
        assert!(cart.issues(&menu).is_empty());
        assert_eq!(cart.subtotal_cents(), 520);
        assert_eq!(
            cart.issues(&[item(2, 7, 120)]),
            [(MenuItemId(3), LineIssue::Unavailable)],
            "gone from the menu"
        );
    }

    #[test]
    fn removing_the_last_line_empties_the_cart() {
        let mut cart = Cart::default();
        cart.add(&item(1, 7, 250), "R");
        cart.change(MenuItemId(1), -1);
        assert_eq!(cart, Cart::default());
    }
}
