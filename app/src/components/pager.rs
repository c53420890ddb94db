//! The links under a list read a page at a time, newest first: "Older"
//! when the page is full, "Newest" when it is not the first.

use leptos::prelude::*;

use crate::api::ApiError;
use model::error::AppError;

/// `newest`: the first page's address, when this is not it. `older`: the
/// next page's, when this one is full (so older items may follow).
#[component]
pub fn Pager(newest: Option<String>, older: Option<String>) -> impl IntoView {
    (newest.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {newest.map(|href| view! { <a class="btn btn-ghost" href=href>"← Newest"</a> })}
                {older.map(|href| view! { <a class="btn btn-ghost" rel="next" href=href>"Older →"</a> })}
            </nav>
        }
    })
}

/// The pager's two addresses for a list at `path` whose filters are
/// written by `link` (given the page's `before`): `shown` is this page's
/// `before`, `last` its oldest item's id, `full` whether it is full.
pub fn pages(
    path: &str,
    shown: Option<i64>,
    last: Option<i64>,
    full: bool,
    link: impl Fn(Option<i64>) -> String,
) -> (Option<String>, Option<String>) {
    let newest = shown.map(|_| format!("{path}{}", link(None)));
    let older = last
        .filter(|_| full)
        .map(|last| format!("{path}{}", link(Some(last))));
    (newest, older)
}

/// Keeps the first `page` of `list`, asked for one more than a page:
/// whether that one came, so an older page exists.
pub fn shown<T>(list: &mut Vec<T>, page: i64) -> bool {
    let page = usize::try_from(page).unwrap_or(0);
    let more = list.len() > page;
    list.truncate(page);
    more
}

/// A value of the page's URL read as a `T` (a number, `true`): absent or
/// blank is none, anything else unreadable is the API's 422 on `name`.
pub fn url_number<T: std::str::FromStr>(
    raw: Option<String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => r.parse().map(Some).map_err(|_| {
            ApiError::from(AppError::invalid(
                name,
                format!("{r:?} is not a valid value"),
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_asked_one_over_knows_whether_older_ones_exist() {
        let mut exactly = vec![1, 2, 3];
        assert!(!shown(&mut exactly, 3), "a full page with nothing older");
        let mut more = vec![1, 2, 3, 4];
        assert!(shown(&mut more, 3));
        assert_eq!(more, [1, 2, 3]);
    }

    #[test]
    fn the_first_page_has_no_newest_link_and_the_last_no_older_one() {
        let link = |before: Option<i64>| before.map_or(String::new(), |b| format!("?before={b}"));
        assert_eq!(
            pages("/orders", None, Some(31), true, link),
            (None, Some("/orders?before=31".into()))
        );
        assert_eq!(
            pages("/orders", Some(31), Some(2), false, link),
            (Some("/orders".into()), None)
        );
    }

    #[test]
    fn a_url_value_that_is_not_one_is_a_422_on_it() {
        assert_eq!(
            url_number::<i64>(Some(" 40 ".into()), "before"),
            Ok(Some(40))
        );
        assert_eq!(url_number::<i64>(Some(String::new()), "before"), Ok(None));
        let e = url_number::<bool>(Some("maybe".into()), "suspended").unwrap_err();
        assert_eq!((e.status, e.field()), (422, Some("suspended")));
    }
}
