//! Lists of orders: who is listed (a customer's, a restaurant's, a
//! driver's, everyone's), which of them (a client's filters, or those
//! picked up lately), newest first, each with what was refunded.

use super::conditions::Conditions;
use super::write::Arg;
use super::{text_list, Db};
use model::order_query::{OrderFilter, Search};
use model::time::rfc3339;
use model::{OrderId, OrderStatus, OrderSummary, Party, Place, RestaurantId, UserId};

/// One order in a list, as the query reads it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: OrderId,
    #[sqlx(try_from = "String")]
    status: OrderStatus,
    customer_id: UserId,
    customer_name: String,
    restaurant_id: RestaurantId,
    restaurant_name: String,
    total_cents: i64,
    refunded_cents: i64,
    item_count: i64,
    items: String,
    dropoff_address: String,
    dropoff_lat: f64,
    dropoff_lng: f64,
    note: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<SummaryRow> for OrderSummary {
    fn from(r: SummaryRow) -> OrderSummary {
        OrderSummary {
            id: r.id,
            status: r.status,
            restaurant: Party {
                id: r.restaurant_id,
                name: r.restaurant_name,
            },
            customer: Party {
                id: r.customer_id,
                name: r.customer_name,
            },
            total_cents: r.total_cents,
            refunded_cents: r.refunded_cents,
            item_count: r.item_count,
            items: r.items,
            dropoff: Place {
                address: r.dropoff_address,
                lat: r.dropoff_lat,
                lng: r.dropoff_lng,
            },
            note: r.note,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

/// Which orders a list shows.
#[derive(Clone, Copy, Debug)]
pub enum Listing {
    Customer(UserId),
    Restaurant(RestaurantId),
    Driver(UserId),
    Everyone,
}

/// Which of the listed orders.
#[derive(Clone, Copy, Debug)]
pub enum Filter<'a> {
    /// What a client asked for (status, search, page).
    Matching(&'a OrderFilter),
    /// Picked up (out for delivery or delivered) and changed since `ms`.
    PickedUpSince(i64),
}

fn conditions(listing: Listing, filter: Filter<'_>) -> Conditions {
    // $1 is the listing's id, $2 the limit.
    let mut c = Conditions::after(2);
    let wanted = match filter {
        Filter::Matching(wanted) => wanted,
        Filter::PickedUpSince(ms) => {
            let statuses = super::statuses(|s| {
                matches!(s, OrderStatus::OutForDelivery | OrderStatus::Delivered)
            });
            let since = c.bind(ms);
            c.and(&format!(
                "o.status IN ({statuses}) AND o.updated_at >= {since}"
            ));
            return c;
        }
    };
    if wanted.active {
        c.and(&format!(
            "o.status NOT IN ({})",
            super::statuses(OrderStatus::is_final)
        ));
    }
    if let Some(status) = wanted.status {
        let p = c.bind(status.as_str());
        c.and(&format!("o.status = {p}"));
    }
    if let Some(before) = wanted.before {
        let p = c.bind(before);
        c.and(&format!("o.id < {p}"));
    }
    match &wanted.search {
        None => {}
        Some(Search::Number(id)) => {
            let p = c.bind(*id);
            c.and(&format!("o.id = {p}"));
        }
        // Only admins find a customer by email: staff and drivers see
        // names, never addresses of mail.
        Some(Search::Text(text)) if matches!(listing, Listing::Everyone) => {
            c.contains(&["c.name", "r.name", "c.email"], text)
        }
        Some(Search::Text(text)) => c.contains(&["c.name", "r.name"], text),
    }
    c
}

/// Orders newest first, with what resolved disputes refunded of each.
pub async fn list(
    db: &Db,
    listing: Listing,
    filter: Filter<'_>,
    limit: i64,
) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let (who, id): (_, i64) = match listing {
        Listing::Customer(id) => ("o.customer_id = $1", id.into()),
        Listing::Restaurant(id) => ("o.restaurant_id = $1", id.into()),
        Listing::Driver(id) => ("o.driver_id = $1", id.into()),
        Listing::Everyone => ("$1 = $1", 0),
    };
    let (which, args) = conditions(listing, filter).finish();
    // The lines' text in the same query: no query per order.
    let items = text_list(
        db.backend,
        "x.quantity || '× ' || x.name",
        "SELECT quantity, name FROM order_lines l WHERE l.order_id = o.id ORDER BY l.id",
    );
    let sql = format!(
        "SELECT o.id, o.status, o.customer_id, c.name AS customer_name, o.restaurant_id, \
         r.name AS restaurant_name, o.total_cents, o.created_at, o.updated_at, \
         o.dropoff_address, o.dropoff_lat, o.dropoff_lng, o.note, {items} AS items, \
         CAST((SELECT COALESCE(SUM(quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS BIGINT) AS item_count, \
         CAST((SELECT COALESCE(SUM(d.refund_cents), 0) FROM disputes d WHERE d.order_id = o.id AND d.status = 'resolved') AS BIGINT) AS refunded_cents \
         FROM orders o JOIN users c ON c.id = o.customer_id JOIN restaurants r ON r.id = o.restaurant_id \
         WHERE {who}{which} ORDER BY o.id DESC LIMIT $2"
    );
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql).bind(id).bind(limit);
    for arg in args {
        query = match arg {
            Arg::Int(n) => query.bind(n),
            Arg::Text(t) => query.bind(t),
            Arg::Real(x) => query.bind(x),
            Arg::Null => query.bind(None::<i64>),
        };
    }
    let rows = query.fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(OrderSummary::from).collect())
}
