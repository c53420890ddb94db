//! One write's rows as the statement takes them: JSON objects, one per
//! row, each naming the order it belongs to (`o`).

use super::super::events::MAX_PER_TRANSACTION;
use super::super::orders::NewOrder;
use super::super::pg_write::{rooms_json, Logged, Step};
use model::OrderId;

/// What a write changes: an order's status, or a new order.
pub(super) enum Head {
    /// A status change: the `s` row.
    Step(String),
    /// A checkout: the `p` row and its lines.
    Checkout { order: String, lines: Vec<String> },
}

/// One write's rows.
pub(super) struct Rows {
    pub(super) order_id: OrderId,
    /// Its events, its own and one per notification.
    pub(super) events: usize,
    pub(super) head: Head,
    pub(super) own: Vec<String>,
    pub(super) notes: Vec<String>,
}

impl Rows {
    pub(super) fn step(step: &Step<'_>) -> Result<Rows, sqlx::Error> {
        let row = format!(
            r#"{{"o":{},"version":{},"status":{},"by":{},"reason":{},"at":{}}}"#,
            step.order_id.0,
            step.version,
            text(step.to.as_str()),
            step.by.0,
            optional(step.reason),
            step.logged.at
        );
        Rows::of(step.order_id, Head::Step(row), &step.logged)
    }

    /// The checkout of `order` under the id reserved for it.
    pub(super) fn checkout(
        id: OrderId,
        order: &NewOrder<'_>,
        logged: &Logged<'_>,
    ) -> Result<Rows, sqlx::Error> {
        let o = id.0;
        let row = format!(
            r#"{{"o":{o},"customer_id":{},"restaurant_id":{},"subtotal_cents":{},"delivery_fee_cents":{},"address":{},"lat":{},"lng":{},"note":{},"idempotency_key":{},"at":{}}}"#,
            order.customer_id.0,
            order.restaurant_id.0,
            order.subtotal_cents,
            order.delivery_fee_cents,
            text(&order.dropoff.address),
            number(order.dropoff.lat)?,
            number(order.dropoff.lng)?,
            optional(order.note),
            optional(order.idempotency_key),
            logged.at
        );
        let lines = order
            .lines
            .iter()
            .enumerate()
            .map(|(n, line)| {
                format!(
                    r#"{{"o":{o},"n":{n},"item":{},"name":{},"price":{},"quantity":{}}}"#,
                    line.menu_item_id.0,
                    text(&line.name),
                    line.unit_price_cents,
                    line.quantity
                )
            })
            .collect();
        let head = Head::Checkout { order: row, lines };
        Rows::of(id, head, logged)
    }

    fn of(order_id: OrderId, head: Head, logged: &Logged<'_>) -> Result<Rows, sqlx::Error> {
        let events = logged.events.len() + logged.notes.len();
        if events > MAX_PER_TRANSACTION {
            return Err(sqlx::Error::Protocol(format!(
                "{events} events in one write; at most {MAX_PER_TRANSACTION}"
            )));
        }
        let o = order_id.0;
        let own = logged.events.iter().enumerate().map(|(r, event)| {
            Ok(format!(
                r#"{{"o":{o},"r":{r},"kind":{},"payload":{},"rooms":{}}}"#,
                text(&event.kind),
                event.payload,
                rooms_json(&event.rooms)?
            ))
        });
        let notes = logged.notes.iter().enumerate().map(|(i, (note, payload))| {
            Ok(format!(
                r#"{{"o":{o},"r":{},"user_id":{},"kind":{},"title":{},"body":{},"order_id":{},"payload":{payload},"rooms":{}}}"#,
                logged.events.len() + i,
                note.user_id.0,
                text(note.kind),
                text(note.title),
                text(note.body),
                note.order_id.map_or_else(|| "null".to_owned(), |id| id.0.to_string()),
                rooms_json(&[model::rooms::Room::user(note.user_id)])?
            ))
        });
        Ok(Rows {
            order_id,
            events,
            head,
            own: own.collect::<Result<_, sqlx::Error>>()?,
            notes: notes.collect::<Result<_, sqlx::Error>>()?,
        })
    }
}

/// A JSON array of the JSON `items`.
pub(super) fn array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

/// `s` as a JSON string.
fn text(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn optional(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), text)
}

/// `x` as a JSON number; coordinates are checked finite on input, so a
/// non-finite one is a bug, refused rather than written as null.
fn number(x: f64) -> Result<String, sqlx::Error> {
    serde_json::Number::from_f64(x)
        .map(|n| n.to_string())
        .ok_or_else(|| sqlx::Error::Protocol(format!("{x} is not a finite number")))
}
