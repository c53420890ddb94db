//! Browsing restaurants and menus.

use super::Ctx;
use crate::store;
use model::error::AppError;
use model::events::MenuItemChanged;
use model::rooms::Room;
use model::{MenuItemId, Restaurant, RestaurantId, RestaurantWithMenu};

pub async fn list(ctx: &Ctx) -> Result<Vec<Restaurant>, AppError> {
    Ok(store::restaurants::list(&ctx.db).await?)
}

/// One restaurant, or 404.
pub async fn get(ctx: &Ctx, id: RestaurantId) -> Result<Restaurant, AppError> {
    store::restaurants::by_id(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("restaurant"))
}

pub async fn with_menu(ctx: &Ctx, id: RestaurantId) -> Result<RestaurantWithMenu, AppError> {
    let restaurant = store::restaurants::by_id(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("restaurant"))?;
    let menu = store::restaurants::menu(&ctx.db, id).await?;
    Ok(RestaurantWithMenu { restaurant, menu })
}

/// A menu edit from staff; every field optional. Whoever has the menu open
/// sees the item as it is now within a second (`menu:item_changed`).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MenuItemPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub price_cents: Option<i64>,
    pub available: Option<bool>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewMenuItem {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price_cents: i64,
}

const MAX_PRICE_CENTS: i64 = 100_000;

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(name.to_owned())
}

fn check_description(description: &str) -> Result<String, AppError> {
    let description = description.trim();
    if description.chars().count() > 300 {
        return Err(AppError::invalid(
            "description",
            "must be at most 300 characters",
        ));
    }
    Ok(description.to_owned())
}

fn check_price(cents: i64) -> Result<i64, AppError> {
    if !(0..=MAX_PRICE_CENTS).contains(&cents) {
        return Err(AppError::invalid(
            "priceCents",
            format!(
                "a price is {} to {}",
                model::format_cents(0),
                model::format_cents(MAX_PRICE_CENTS)
            ),
        ));
    }
    Ok(cents)
}

fn require_staff(actor: &model::User, restaurant_id: RestaurantId) -> Result<(), AppError> {
    if actor.role == model::Role::Restaurant && actor.restaurant_id == Some(restaurant_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn add_menu_item(
    ctx: &Ctx,
    actor: &model::User,
    restaurant_id: RestaurantId,
    item: NewMenuItem,
) -> Result<model::MenuItem, AppError> {
    store::restaurants::by_id(&ctx.db, restaurant_id)
        .await?
        .ok_or(AppError::NotFound("restaurant"))?;
    require_staff(actor, restaurant_id)?;
    let (name, description, price) = (
        check_name(&item.name)?,
        check_description(&item.description)?,
        check_price(item.price_cents)?,
    );
    let position = store::restaurants::menu(&ctx.db, restaurant_id)
        .await?
        .len() as i64;
    let id = store::restaurants::insert_menu_item(
        &ctx.db,
        restaurant_id,
        &name,
        &description,
        price,
        position,
    )
    .await?;
    let item = store::restaurants::menu_item(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("menu item"))?;
    announce(ctx, &item).await;
    Ok(item)
}

/// Whoever has the menu open sees the item as it is now within a second
/// (ephemeral: a menu opened later reads it from the database anyway).
async fn announce(ctx: &Ctx, item: &model::MenuItem) {
    ctx.emitter
        .ephemeral(
            vec![Room::menu(item.restaurant_id)],
            &MenuItemChanged::from(item),
        )
        .await;
}

pub async fn update_menu_item(
    ctx: &Ctx,
    actor: &model::User,
    item_id: MenuItemId,
    patch: MenuItemPatch,
) -> Result<model::MenuItem, AppError> {
    let mut item = store::restaurants::menu_item(&ctx.db, item_id)
        .await?
        .ok_or(AppError::NotFound("menu item"))?;
    require_staff(actor, item.restaurant_id)?;
    if let Some(name) = &patch.name {
        item.name = check_name(name)?;
    }
    if let Some(description) = &patch.description {
        item.description = check_description(description)?;
    }
    if let Some(price) = patch.price_cents {
        item.price_cents = check_price(price)?;
    }
    if let Some(available) = patch.available {
        item.available = available;
    }
    store::restaurants::update_menu_item(&ctx.db, &item).await?;
    announce(ctx, &item).await;
    Ok(item)
}

pub async fn set_open(
    ctx: &Ctx,
    actor: &model::User,
    restaurant_id: RestaurantId,
    open: bool,
) -> Result<Restaurant, AppError> {
    store::restaurants::by_id(&ctx.db, restaurant_id)
        .await?
        .ok_or(AppError::NotFound("restaurant"))?;
    require_staff(actor, restaurant_id)?;
    store::restaurants::set_open(&ctx.db, restaurant_id, open).await?;
    store::restaurants::by_id(&ctx.db, restaurant_id)
        .await?
        .ok_or(AppError::NotFound("restaurant"))
}
