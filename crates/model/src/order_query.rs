//! Which orders a list holds: the filters a REST query string or a page's
//! URL carries, checked once for both.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::list_query::{self, QueryString};
use crate::{OrderId, OrderStatus};

/// The most orders one list answers with (and the default).
pub const MAX_LIST: i64 = 200;

/// An order list's filters as a client sends them. Every one is optional;
/// they narrow the caller's own orders (a customer's, a restaurant's, a
/// driver's, every order for an admin), never widen them.
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderQuery {
    /// Only orders not yet finished.
    #[serde(default)]
    pub active: Option<bool>,
    /// Only orders in this status (`placed`, `delivered`, …).
    #[serde(default)]
    pub status: Option<String>,
    /// An order number (`42` or `#42`), or part of the restaurant's or
    /// the customer's name (and, for admins, the customer's email).
    #[serde(default)]
    pub q: Option<String>,
    /// Only orders older than this order number: the next page.
    #[serde(default)]
    pub before: Option<i64>,
    /// How many orders at most, 1 to 200 (200 by default).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// What to look for.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    /// One order by its number.
    Number(OrderId),
    /// Part of a name or an email, lower-cased.
    Text(String),
}

/// An [`OrderQuery`] checked.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderFilter {
    pub active: bool,
    pub status: Option<OrderStatus>,
    pub search: Option<Search>,
    pub before: Option<OrderId>,
    pub limit: i64,
}

impl OrderQuery {
    /// Every order not yet finished: a board, the operations page.
    pub fn active() -> OrderQuery {
        OrderQuery {
            active: Some(true),
            ..OrderQuery::default()
        }
    }

    /// The same filters as a URL's query string (`?q=tasca&before=40`),
    /// blank ones left out; `""` when none is set.
    pub fn to_query_string(&self) -> String {
        QueryString::default()
            .value("active", self.active.filter(|a| *a))
            .text("status", self.status.as_deref())
            .text("q", self.q.as_deref())
            .value("before", self.before)
            .value("limit", self.limit)
            .finish()
    }

    pub fn check(&self) -> Result<OrderFilter, AppError> {
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(OrderStatus::parse(raw).ok_or_else(|| {
                let known: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
                AppError::invalid(
                    "status",
                    format!(
                        "{raw:?} is not an order status; one of {}",
                        known.join(", ")
                    ),
                )
            })?),
        };
        let search = list_query::search_text(self.q.as_deref())?
            .map(|text| number(&text).map_or(Search::Text(text), Search::Number));
        Ok(OrderFilter {
            active: self.active.unwrap_or(false),
            status,
            search,
            before: list_query::before(self.before)?.map(OrderId),
            limit: list_query::page_size(self.limit, MAX_LIST)?,
        })
    }
}

/// `42` or `#42` as an order number.
fn number(text: &str) -> Option<OrderId> {
    let digits = text.strip_prefix('#').unwrap_or(text).trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|n| *n > 0).map(OrderId)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> OrderQuery {
        OrderQuery {
            q: Some(q.into()),
            ..OrderQuery::default()
        }
    }

    #[test]
    fn nothing_asked_is_every_order_up_to_the_most() {
        let f = OrderQuery::default().check().unwrap();
        assert_eq!(
            f,
            OrderFilter {
                active: false,
                status: None,
                search: None,
                before: None,
                limit: MAX_LIST
            }
        );
        assert!(OrderQuery::active().check().unwrap().active);
    }

    #[test]
    fn a_number_with_or_without_hash_is_an_order_and_text_is_lower_cased() {
        assert_eq!(
            query("#42").check().unwrap().search,
            Some(Search::Number(OrderId(42)))
        );
        assert_eq!(
            query(" 42 ").check().unwrap().search,
            Some(Search::Number(OrderId(42)))
        );
        assert_eq!(
            query("Tasca 2").check().unwrap().search,
            Some(Search::Text("tasca 2".into()))
        );
        assert_eq!(
            query("#0").check().unwrap().search,
            Some(Search::Text("#0".into()))
        );
        assert_eq!(query("   ").check().unwrap().search, None);
    }

    #[test]
    fn bad_filters_name_their_field() {
        let field = |q: OrderQuery| q.check().unwrap_err().body().error.field;
        let status = OrderQuery {
            status: Some("lost".into()),
            ..OrderQuery::default()
        };
        let err = status.clone().check().unwrap_err();
        assert!(err.to_string().contains("\"lost\" is not an order status"));
        assert_eq!(field(status).as_deref(), Some("status"));
        for limit in [0, MAX_LIST + 1, -3] {
            let q = OrderQuery {
                limit: Some(limit),
                ..OrderQuery::default()
            };
            assert_eq!(field(q).as_deref(), Some("limit"));
        }
        let before = OrderQuery {
            before: Some(0),
            ..OrderQuery::default()
        };
        assert_eq!(field(before).as_deref(), Some("before"));
        assert_eq!(
            field(query(&"x".repeat(crate::list_query::MAX_SEARCH + 1))).as_deref(),
            Some("q")
        );
    }

    #[test]
    fn the_query_string_says_the_same_filters() {
        assert_eq!(OrderQuery::default().to_query_string(), "");
        assert_eq!(OrderQuery::active().to_query_string(), "?active=true");
        let q = OrderQuery {
            q: Some("#12".into()),
            status: Some(" ".into()),
            before: Some(40),
            ..OrderQuery::default()
        };
        assert_eq!(q.to_query_string(), "?q=%2312&before=40");
    }

    #[test]
    fn a_status_is_read_by_its_name() {
        let q = OrderQuery {
            status: Some("out_for_delivery".into()),
            ..OrderQuery::default()
        };
        assert_eq!(q.check().unwrap().status, Some(OrderStatus::OutForDelivery));
    }
}
