//! Restaurants and their menus.

use super::{json_list, now_ms, text_list, Db};
use model::{MenuItem, MenuItemId, Restaurant, RestaurantId, UserId};

#[derive(sqlx::FromRow)]
struct RestaurantRow {
    id: RestaurantId,
    name: String,
    cuisine: String,
    address: String,
    lat: f64,
    lng: f64,
    is_open: i64,
    #[sqlx(default)]
    dishes: String,
}

impl From<RestaurantRow> for Restaurant {
    fn from(r: RestaurantRow) -> Restaurant {
        Restaurant {
            id: r.id,
            name: r.name,
            cuisine: r.cuisine,
            address: r.address,
            lat: r.lat,
            lng: r.lng,
            open: r.is_open != 0,
            dishes: r.dishes,
        }
    }
}

#[derive(sqlx::FromRow)]
struct MenuItemRow {
    id: MenuItemId,
    restaurant_id: RestaurantId,
    name: String,
    description: String,
    price_cents: i64,
    available: i64,
}

impl From<MenuItemRow> for MenuItem {
    fn from(r: MenuItemRow) -> MenuItem {
        MenuItem {
            id: r.id,
            restaurant_id: r.restaurant_id,
            name: r.name,
            description: r.description,
            price_cents: r.price_cents,
            available: r.available != 0,
        }
    }
}

/// A restaurant with one line of its menu (none when it has no items).
#[derive(sqlx::FromRow)]
struct CheckoutRow {
    #[sqlx(flatten)]
    restaurant: RestaurantRow,
    staff_json: String,
    item_id: Option<MenuItemId>,
    item_name: Option<String>,
    description: Option<String>,
    price_cents: Option<i64>,
    available: Option<i64>,
}

/// Every restaurant, with its dishes' names (one query).
pub async fn list(db: &Db) -> Result<Vec<Restaurant>, sqlx::Error> {
    let dishes = text_list(
        db.backend,
        "x.name",
        "SELECT name FROM menu_items m WHERE m.restaurant_id = r.id ORDER BY position, id",
    );
    sqlx::query_as::<_, RestaurantRow>(&format!(
        "SELECT r.id, r.name, r.cuisine, r.address, r.lat, r.lng, r.is_open, {dishes} AS dishes \
         FROM restaurants r ORDER BY r.name"
    ))
    .fetch_all(&db.pool)
    .await
    .map(|rows| rows.into_iter().map(Restaurant::from).collect())
}

pub async fn by_id(db: &Db, id: RestaurantId) -> Result<Option<Restaurant>, sqlx::Error> {
    sqlx::query_as::<_, RestaurantRow>(
        "SELECT id, name, cuisine, address, lat, lng, is_open FROM restaurants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
    .map(|row| row.map(Restaurant::from))
}

/// What a checkout reads, in one query: the restaurant, its menu and its
/// staff (who hear of the new order).
pub async fn for_checkout(
    db: &Db,
    id: RestaurantId,
) -> Result<Option<(Restaurant, Vec<MenuItem>, Vec<UserId>)>, sqlx::Error> {
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
    let rows: Vec<CheckoutRow> = sqlx::query_as(&sql).bind(id).fetch_all(&db.pool).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let staff =
        serde_json::from_str(&first.staff_json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut menu = Vec::with_capacity(rows.len());
    let mut restaurant = None;
    for row in rows {
        let restaurant_id = row.restaurant.id;
        restaurant.get_or_insert(row.restaurant);
        if let (Some(id), Some(name), Some(description), Some(price_cents), Some(available)) = (
            row.item_id,
            row.item_name,
            row.description,
            row.price_cents,
            row.available,
        ) {
            menu.push(MenuItem {
                id,
                restaurant_id,
                name,
                description,
                price_cents,
                available: available != 0,
            });
        }
    }
    let Some(restaurant) = restaurant.map(Restaurant::from) else {
        return Ok(None);
    };
    Ok(Some((restaurant, menu, staff)))
}

pub async fn menu(db: &Db, restaurant_id: RestaurantId) -> Result<Vec<MenuItem>, sqlx::Error> {
    sqlx::query_as::<_, MenuItemRow>(
        "SELECT id, restaurant_id, name, description, price_cents, available \
         FROM menu_items WHERE restaurant_id = $1 ORDER BY position, id",
    )
    .bind(restaurant_id)
    .fetch_all(&db.pool)
    .await
    .map(|rows| rows.into_iter().map(MenuItem::from).collect())
}

pub struct NewRestaurant<'a> {
    pub name: &'a str,
    pub cuisine: &'a str,
    pub address: &'a str,
    pub lat: f64,
    pub lng: f64,
}

pub async fn insert(db: &Db, r: &NewRestaurant<'_>) -> Result<RestaurantId, sqlx::Error> {
    sqlx::query_scalar(
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
    .await
}

pub async fn insert_menu_item(
    db: &Db,
    restaurant_id: RestaurantId,
    name: &str,
    description: &str,
    price_cents: i64,
    position: i64,
) -> Result<MenuItemId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO menu_items (restaurant_id, name, description, price_cents, available, position) \
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(restaurant_id)
    .bind(name)
    .bind(description)
    .bind(price_cents)
    .bind(position)
    .fetch_one(db.writer())
    .await
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM restaurants")
        .fetch_one(&db.pool)
        .await
}

pub async fn menu_item(db: &Db, id: MenuItemId) -> Result<Option<MenuItem>, sqlx::Error> {
    sqlx::query_as::<_, MenuItemRow>(
        "SELECT id, restaurant_id, name, description, price_cents, available FROM menu_items WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
    .map(|row| row.map(MenuItem::from))
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

pub async fn set_open(db: &Db, id: RestaurantId, open: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE restaurants SET is_open = $1 WHERE id = $2")
        .bind(i64::from(open))
        .bind(id)
        .execute(db.writer())
        .await?;
    Ok(())
}
