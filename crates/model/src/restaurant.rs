use serde::{Deserialize, Serialize};

use crate::{MenuItemId, RestaurantId};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Restaurant {
    pub id: RestaurantId,
    pub name: String,
    pub cuisine: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub open: bool,
    /// Its dishes' names, "Bacalhau à Brás, Caldo verde" (in lists only:
    /// what a search by dish reads).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dishes: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuItem {
    pub id: MenuItemId,
    pub restaurant_id: RestaurantId,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub available: bool,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestaurantWithMenu {
    #[serde(flatten)]
    pub restaurant: Restaurant,
    pub menu: Vec<MenuItem>,
}

/// Formats integer cents as money, e.g. 1250 -> "€12.50".
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    format!("{sign}€{}.{:02}", cents / 100, cents % 100)
}

/// Money as a person types it, "3.50", "3,5" or "3", as cents; `None` for
/// anything else (a sign, a third decimal, letters).
pub fn parse_euros(raw: &str) -> Option<i64> {
    let raw = raw.trim().replace(',', ".");
    let (whole, frac) = raw.split_once('.').unwrap_or((&raw, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let cents = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// Cents as a person would type them back: 1250 -> "12.50".
pub fn euros_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::{euros_text, format_cents, parse_euros};

    #[test]
    fn euros_become_cents_and_back() {
        assert_eq!(parse_euros("3.50"), Some(350));
        assert_eq!(parse_euros("3,5"), Some(350));
        assert_eq!(parse_euros(" 12 "), Some(1200));
        assert_eq!(parse_euros("0.07"), Some(7));
        for bad in [
            "",
            "abc",
            "1.234",
            "-1",
            "1.2.3",
            ".5",
            "99999999999999999999",
        ] {
            assert_eq!(parse_euros(bad), None, "{bad}");
        }
        assert_eq!(euros_text(1250), "12.50");
        assert_eq!(euros_text(5), "0.05");
        assert_eq!(parse_euros(&euros_text(1999)), Some(1999));
    }

    #[test]
    fn cents_are_shown_with_two_decimals() {
        assert_eq!(format_cents(1250), "€12.50");
        assert_eq!(format_cents(5), "€0.05");
        assert_eq!(format_cents(-199), "-€1.99");
    }
}
