use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Restaurant {
    pub id: i64,
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
    pub id: i64,
    pub restaurant_id: i64,
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

#[cfg(test)]
mod tests {
    use super::format_cents;

    #[test]
    fn cents_are_shown_with_two_decimals() {
        assert_eq!(format_cents(1250), "€12.50");
        assert_eq!(format_cents(5), "€0.05");
        assert_eq!(format_cents(-199), "-€1.99");
    }
}
