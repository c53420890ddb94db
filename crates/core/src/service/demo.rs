//! Demo data for the embedded mode: seven accounts (password `mealstream`)
//! and six restaurants with menus around Lisbon's city centre, as
//! `demo.json` lists them.

use super::{password, Ctx};
use crate::store::{self, restaurants::NewRestaurant};
use model::error::AppError;
use model::Role;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

pub use model::DEMO_PASSWORD;

/// The demo data, as `demo.json` holds it.
#[derive(Deserialize)]
struct Demo {
    restaurants: Vec<DemoRestaurant>,
    accounts: Vec<DemoAccount>,
}

#[derive(Deserialize)]
struct DemoRestaurant {
    name: String,
    cuisine: String,
    address: String,
    lat: f64,
    lng: f64,
    menu: Vec<DemoItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoItem {
    name: String,
    description: String,
    price_cents: i64,
}

#[derive(Deserialize)]
struct DemoAccount {
    email: String,
    name: String,
    role: Role,
    /// The name of the restaurant a restaurant account works at.
    restaurant: Option<String>,
}

fn demo() -> &'static Demo {
    static DEMO: LazyLock<Demo> = LazyLock::new(|| {
        serde_json::from_str(include_str!("demo.json")).expect("demo.json is valid (unit-tested)")
    });
    &DEMO
}

/// The demo accounts, when this database holds them (the sign-in page
/// lists them, with their password, only then); else none.
pub async fn accounts(ctx: &Ctx) -> Result<Vec<model::DemoAccount>, AppError> {
    let accounts = &demo().accounts;
    let Some(last) = accounts.last() else {
        return Ok(Vec::new());
    };
    if store::users::credentials_by_email(&ctx.db, &last.email)
        .await?
        .is_none()
    {
        return Ok(Vec::new());
    }
    Ok(accounts
        .iter()
        .map(|a| model::DemoAccount {
            email: a.email.clone(),
            name: a.name.clone(),
        })
        .collect())
}

/// Seeds the demo data when the database has no users yet. Returns whether
/// it seeded anything.
pub async fn seed_if_empty(ctx: &Ctx) -> Result<bool, AppError> {
    if store::users::count(&ctx.db).await? > 0 {
        return Ok(false);
    }
    let demo = demo();
    let mut restaurant_ids = HashMap::with_capacity(demo.restaurants.len());
    for r in &demo.restaurants {
        let id = store::restaurants::insert(
            &ctx.db,
            &NewRestaurant {
                name: &r.name,
                cuisine: &r.cuisine,
                address: &r.address,
                lat: r.lat,
                lng: r.lng,
            },
        )
        .await?;
        for (position, item) in r.menu.iter().enumerate() {
            store::restaurants::insert_menu_item(
                &ctx.db,
                id,
                &item.name,
                &item.description,
                item.price_cents,
                position as i64,
            )
            .await?;
        }
        restaurant_ids.insert(r.name.as_str(), id);
    }
    let demo_password = model::Password::parse(DEMO_PASSWORD)?;
    for a in &demo.accounts {
        let hash = password::hash(&demo_password).await?;
        let user = store::users::insert(&ctx.db, &a.email, &a.name, &hash, a.role)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("{} already exists", a.email)))?;
        if let Some(restaurant) = a.restaurant.as_deref().and_then(|n| restaurant_ids.get(n)) {
            store::users::add_staff(&ctx.db, user.id, *restaurant).await?;
        }
    }
    tracing::info!(
        accounts = demo.accounts.len(),
        restaurants = demo.restaurants.len(),
        "demo data seeded"
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_data_reads_and_every_staff_account_names_a_demo_restaurant() {
        let demo = demo();
        assert_eq!(demo.restaurants.len(), 6);
        assert_eq!(demo.accounts.len(), 7);
        assert!(demo.restaurants.iter().all(|r| !r.menu.is_empty()));
        for a in &demo.accounts {
            assert_eq!(
                a.role == Role::Restaurant,
                a.restaurant.is_some(),
                "{}",
                a.email
            );
            if let Some(name) = &a.restaurant {
                assert!(demo.restaurants.iter().any(|r| &r.name == name), "{name}");
            }
        }
        assert_eq!(demo.accounts.last().map(|a| a.role), Some(Role::Admin));
    }
}
