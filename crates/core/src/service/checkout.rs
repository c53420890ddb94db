//! A checkout as it arrives: every check that needs no database, so what
//! `orders::place` receives is already valid.

use model::error::AppError;
use model::geo::LatLng;
use model::{CheckoutInput, CheckoutLine, MenuItemId, Place, RestaurantId, MAX_QUANTITY};

const MAX_LINES: usize = 50;
const MAX_NOTE_CHARS: usize = 500;

/// A checkout that passed every check that needs no database.
pub struct PlaceOrder {
    pub(super) restaurant_id: RestaurantId,
    pub(super) lines: Vec<CheckoutLine>,
    pub(super) dropoff: Place,
    pub(super) note: Option<String>,
    pub(super) idempotency_key: Option<String>,
}

impl PlaceOrder {
    /// Whether `order` is what this checkout asks for: a retry of it.
    pub(super) fn same_as(&self, order: &model::Order) -> bool {
        let mut asked: Vec<(MenuItemId, i64)> = self
            .lines
            .iter()
            .map(|l| (l.menu_item_id, l.quantity))
            .collect();
        let mut made: Vec<(MenuItemId, i64)> = order
            .items
            .iter()
            .map(|l| (l.menu_item_id, l.quantity))
            .collect();
        asked.sort_unstable();
        made.sort_unstable();
        self.restaurant_id == order.restaurant.id
            && asked == made
            && self.dropoff == order.dropoff
            && self.note == order.note
    }

    pub fn parse(
        input: CheckoutInput,
        idempotency_key: Option<&str>,
    ) -> Result<PlaceOrder, AppError> {
        if input.items.is_empty() {
            return Err(AppError::invalid(
                "items",
                "an order needs at least one item",
            ));
        }
        if input.items.len() > MAX_LINES {
            return Err(AppError::invalid(
                "items",
                format!("at most {MAX_LINES} different items"),
            ));
        }
        for (i, line) in input.items.iter().enumerate() {
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                return Err(AppError::invalid(
                    &format!("items[{i}].quantity"),
                    format!("must be 1 to {MAX_QUANTITY}"),
                ));
            }
        }
        let point = LatLng::new(input.dropoff.lat, input.dropoff.lng, "dropoff")?;
        let address = model::address::check(&input.dropoff.address, "dropoff.address")?;
        let note = model::text::optional(input.note, "note", MAX_NOTE_CHARS)?;
        let idempotency_key = match idempotency_key.map(str::trim) {
            None | Some("") => None,
            Some(k) if k.len() <= 100 && k.chars().all(|c| c.is_ascii_graphic()) => {
                Some(k.to_owned())
            }
            Some(_) => {
                return Err(AppError::invalid(
                    "Idempotency-Key",
                    "must be 1 to 100 visible ASCII characters",
                ))
            }
        };
        Ok(PlaceOrder {
            restaurant_id: input.restaurant_id,
            lines: input.items,
            dropoff: Place {
                address,
                lat: point.lat,
                lng: point.lng,
            },
            note,
            idempotency_key,
        })
    }
}
