//! Restaurants and their menus.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{json_list, now_ms, Db};
use model::{MenuItem, Restaurant};

fn restaurant_from_row(row: &AnyRow) -> Result<Restaurant, sqlx::Error> {
    Ok(Restaurant {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        cuisine: row.try_get("cuisine")?,
        address: row.try_get("address")?,
        lat: row.try_get("lat")?,
        lng: row.try_get("lng")?,
        open: row.try_get::<i64, _>("is_open")? != 0,
    })
}

fn menu_item_from_row(row: &AnyRow) -> Result<MenuItem, sqlx::Error> {
    Ok(MenuItem {
        id: row.try_get("id")?,
        restaurant_id: row.try_get("restaurant_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        price_cents: row.try_get("price_cents")?,
        available: row.try_get::<i64, _>("available")? != 0,
    })
}

pub async fn list(db: &Db) -> Result<Vec<Restaurant>, sqlx::Error> {
    sqlx::query(
        "SELECT id, name, cuisine, address, lat, lng, is_open FROM restaurants ORDER BY name",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(restaurant_from_row)
    .collect()
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<Restaurant>, sqlx::Error> {
    sqlx::query(
        "SELECT id, name, cuisine, address, lat, lng, is_open FROM restaurants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(restaurant_from_row)
    .transpose()
}

/// What a checkout reads, in one query: the restaurant, its menu and its
/// staff (who hear of the new order).
pub async fn for_checkout(
    db: &Db,
    id: i64,
) -> Result<Option<(Restaurant, Vec<MenuItem>, Vec<i64>)>, sqlx::Error> {
    let staff = json_list(
        db.backend,
        "x.user_id",
        "SELECT user_id FROM restaurant_staff WHERE restaurant_id = r.id ORDER BY user_id",
    );
    let sql = format!(
        "SELECT r.id, r.name, r.cuisine, r.address, r.lat, r.lng, r.is_open, {staff} AS staff_json, \
         m.id AS item_id, m.name AS item_name, m.description, m.price_cents, m.available \
         FROM restaurants r LEFT JOIN menu_items m ON m.restaurant_id = r.id WHERE r.id = $1 \
         ORDER BY m.position, m.id"
    );
    let rows = sqlx::query(&sql).bind(id).fetch_all(&db.pool).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let restaurant = restaurant_from_row(first)?;
    let staff_json: String = first.try_get("staff_json")?;
    let staff = serde_json::from_str(&staff_json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut menu = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(item_id) = row.try_get::<Option<i64>, _>("item_id")? else {
            continue;
        };
        menu.push(MenuItem {
            id: item_id,
            restaurant_id: restaurant.id,
            name: row.try_get("item_name")?,
            description: row.try_get("description")?,
            price_cents: row.try_get("price_cents")?,
            available: row.try_get::<i64, _>("available")? != 0,
        });
    }
    Ok(Some((restaurant, menu, staff)))
}

pub async fn menu(db: &Db, restaurant_id: i64) -> Result<Vec<MenuItem>, sqlx::Error> {
    sqlx::query(
        "SELECT id, restaurant_id, name, description, price_cents, available \
         FROM menu_items WHERE restaurant_id = $1 ORDER BY position, id",
    )
    .bind(restaurant_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(menu_item_from_row)
    .collect()
}

pub struct NewRestaurant<'a> {
    pub name: &'a str,
    pub cuisine: &'a str,
    pub address: &'a str,
    pub lat: f64,
    pub lng: f64,
}

pub async fn insert(db: &Db, r: &NewRestaurant<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO restaurants (name, cuisine, address, lat, lng, is_open, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(r.name)
    .bind(r.cuisine)
    .bind(r.address)
    .bind(r.lat)
    .bind(r.lng)
    .bind(now_ms())
    .fetch_one(db.writer())
    .await?
    .try_get("id")
}

pub async fn insert_menu_item(
    db: &Db,
    restaurant_id: i64,
    name: &str,
    description: &str,
    price_cents: i64,
    position: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO menu_items (restaurant_id, name, description, price_cents, available, position) \
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(restaurant_id)
    .bind(name)
    .bind(description)
    .bind(price_cents)
    .bind(position)
    .fetch_one(db.writer())
    .await?
    .try_get("id")
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM restaurants")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

pub async fn menu_item(db: &Db, id: i64) -> Result<Option<MenuItem>, sqlx::Error> {
    sqlx::query(
        "SELECT id, restaurant_id, name, description, price_cents, available FROM menu_items WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(menu_item_from_row)
    .transpose()
}

pub async fn update_menu_item(db: &Db, item: &MenuItem) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE menu_items SET name = $1, description = $2, price_cents = $3, available = $4 WHERE id = $5")
        .bind(&item.name)
        .bind(&item.description)
        .bind(item.price_cents)
        .bind(i64::from(item.available))
        .bind(item.id)
        .execute(db.writer())
        .await?;
    Ok(())
}

pub async fn set_open(db: &Db, id: i64, open: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE restaurants SET is_open = $1 WHERE id = $2")
        .bind(i64::from(open))
        .bind(id)
        .execute(db.writer())
        .await?;
    Ok(())
}
