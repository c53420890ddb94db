//! One order in full, in one query: its row, its lines, its history and
//! its restaurant's staff (JSON aggregates), from the hot reads (orders
//! asked for at the same moment read together, see `store::coalesce`) or
//! inside a write transaction.

use std::collections::HashMap;

use super::coalesce::Batch;
use super::orders::parse_status;
use super::write::{Columns, Query, Reads, WriteConn};
use super::{json_list, json_object, Backend, Db};
use model::time::rfc3339;
use model::{
    HistoryEntry, MenuItemId, Order, OrderId, OrderLine, Party, Place, RestaurantId, UserId,
};

const ORDER_COLUMNS: &str =
    "o.id, o.status, o.customer_id, c.name AS customer_name, o.restaurant_id, \
     r.name AS restaurant_name, r.address AS restaurant_address, r.lat AS restaurant_lat, \
     r.lng AS restaurant_lng, o.driver_id, d.name AS driver_name, o.subtotal_cents, \
     o.delivery_fee_cents, o.total_cents, o.dropoff_address, o.dropoff_lat, o.dropoff_lng, o.note, \
     o.version, o.created_at, o.updated_at";

/// The order's parties by key. On PostgreSQL each is looked up by its
/// primary key, order by order (`OFFSET 0` keeps the planner from
/// flattening the lateral subqueries into joins): the kept generic plan
/// expects ten orders and so hashed the whole users table, twice, on every
/// read (0.37 ms a read at 1,000 changes/s, against 0.07–0.09 ms so; the
/// largest single cost in the backends after the writes). SQLite's
/// planner already looks each up by key.
fn order_joins(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => {
            "FROM orders o JOIN users c ON c.id = o.customer_id \
             JOIN restaurants r ON r.id = o.restaurant_id LEFT JOIN users d ON d.id = o.driver_id"
        }
        Backend::Postgres => {
            "FROM orders o \
             CROSS JOIN LATERAL (SELECT name FROM users WHERE id = o.customer_id OFFSET 0) c \
             CROSS JOIN LATERAL (SELECT name, address, lat, lng FROM restaurants \
               WHERE id = o.restaurant_id OFFSET 0) r \
             LEFT JOIN LATERAL (SELECT name FROM users WHERE id = o.driver_id OFFSET 0) d ON true"
        }
    }
}

/// An order and the staff of its restaurant (who hear of its changes).
#[derive(Clone, Debug)]
pub struct Loaded {
    pub order: Order,
    pub staff: Vec<UserId>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LineJson {
    menu_item_id: MenuItemId,
    name: String,
    unit_price_cents: i64,
    quantity: i64,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistoryJson {
    status: String,
    at: i64,
    reason: Option<String>,
    by_id: Option<UserId>,
    by_name: Option<String>,
}

/// The query behind [`load`]: the orders `which` picks (`o.id = $1`),
/// each with its lines, history and staff.
fn load_sql(b: Backend, which: &str) -> String {
    let lines = json_list(
        b,
        &json_object(
            b,
            "'menuItemId', x.menu_item_id, 'name', x.name, 'unitPriceCents', x.unit_price_cents, \
             'quantity', x.quantity",
        ),
        "SELECT menu_item_id, name, unit_price_cents, quantity FROM order_lines \
         WHERE order_id = o.id ORDER BY id",
    );
    let history = json_list(
        b,
        &json_object(
            b,
            "'status', x.status, 'at', x.at, 'reason', x.reason, 'byId', x.by_user_id, \
             'byName', x.by_name",
        ),
        // The name by key, row by row: a join let PostgreSQL's planner
        // hash the whole users table for an order's handful of rows.
        "SELECT h.status, h.at, h.reason, h.by_user_id, \
         (SELECT u.name FROM users u WHERE u.id = h.by_user_id) AS by_name \
         FROM order_history h WHERE h.order_id = o.id ORDER BY h.id",
    );
    let staff = json_list(
        b,
        "x.user_id",
        "SELECT user_id FROM restaurant_staff WHERE restaurant_id = o.restaurant_id ORDER BY user_id",
    );
    let joins = order_joins(b);
    format!(
        "SELECT {ORDER_COLUMNS}, {lines} AS lines_json, {history} AS history_json, \
         {staff} AS staff_json {joins} WHERE {which}"
    )
}

fn loaded_of(row: &impl Columns) -> Result<Loaded, sqlx::Error> {
    let items = row
        .json::<Vec<LineJson>>("lines_json")?
        .into_iter()
        .map(|l| OrderLine {
            menu_item_id: l.menu_item_id,
            line_total_cents: l.unit_price_cents * l.quantity,
            name: l.name,
            unit_price_cents: l.unit_price_cents,
            quantity: l.quantity,
        })
        .collect();
    let history = row
        .json::<Vec<HistoryJson>>("history_json")?
        .into_iter()
        .map(|h| {
            Ok(HistoryEntry {
                status: parse_status(&h.status)?,
                at: rfc3339(h.at),
                by: h.by_id.zip(h.by_name).map(|(id, name)| Party { id, name }),
                reason: h.reason,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let driver_id = row.opt_i64("driver_id")?.map(UserId);
    let driver_name = row.opt_string("driver_name")?;
    let order = Order {
        id: OrderId(row.i64("id")?),
        status: parse_status(&row.string("status")?)?,
        customer: Party {
            id: UserId(row.i64("customer_id")?),
            name: row.string("customer_name")?,
        },
        restaurant: Party {
            id: RestaurantId(row.i64("restaurant_id")?),
            name: row.string("restaurant_name")?,
        },
        pickup: Place {
            address: row.string("restaurant_address")?,
            lat: row.f64("restaurant_lat")?,
            lng: row.f64("restaurant_lng")?,
        },
        driver: driver_id
            .zip(driver_name)
            .map(|(id, name)| Party { id, name }),
        items,
        subtotal_cents: row.i64("subtotal_cents")?,
        delivery_fee_cents: row.i64("delivery_fee_cents")?,
        total_cents: row.i64("total_cents")?,
        dropoff: Place {
            address: row.string("dropoff_address")?,
            lat: row.f64("dropoff_lat")?,
            lng: row.f64("dropoff_lng")?,
        },
        note: row.opt_string("note")?,
        history,
        created_at: rfc3339(row.i64("created_at")?),
        updated_at: rfc3339(row.i64("updated_at")?),
        version: row.i64("version")?,
        last_location: None,
    };
    Ok(Loaded {
        order,
        staff: row.json("staff_json")?,
    })
}

/// The order with its lines, history and restaurant staff, in one query
/// (with the other orders asked for meanwhile: on PostgreSQL every status
/// change reads its order first, one statement each until now, 15 % of
/// the backends' time at 2,000 changes a second).
pub async fn load(db: &Db, id: OrderId) -> Result<Option<Loaded>, sqlx::Error> {
    db.orders.get(id).await
}

/// [`load`] for many orders in one query. Its text is the same for any
/// number of orders (their ids are one JSON array), so it is prepared
/// once per connection and its plan kept; the ids go through an array on
/// PostgreSQL so that the plan looks them up by key, whatever the number
/// of rows it expects.
pub(super) fn load_many(reads: Reads, ids: Vec<OrderId>) -> Batch<OrderId, Loaded> {
    Box::pin(async move {
        let backend = reads.backend();
        let which = match backend {
            Backend::Sqlite => "o.id IN (SELECT value FROM json_each($1))",
            Backend::Postgres => {
                "o.id = ANY (ARRAY(SELECT value::bigint FROM json_array_elements_text($1::json)))"
            }
        };
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let query = Query::new(load_sql(backend, which)).bind(ids);
        let mut found = HashMap::new();
        for row in reads.all(query).await? {
            let loaded = loaded_of(&row)?;
            found.insert(loaded.order.id, loaded);
        }
        Ok(found)
    })
}

/// [`load`] inside a write transaction: what a change reads, it reads
/// without leaving its connection.
pub async fn load_in(
    tx: &mut WriteConn,
    backend: Backend,
    id: OrderId,
) -> Result<Option<Loaded>, sqlx::Error> {
    Query::new(load_sql(backend, "o.id = $1"))
        .bind(id)
        .fetch_optional(tx)
        .await?
        .as_ref()
        .map(loaded_of)
        .transpose()
}

pub async fn get(db: &Db, id: OrderId) -> Result<Option<Order>, sqlx::Error> {
    Ok(load(db, id).await?.map(|l| l.order))
}
