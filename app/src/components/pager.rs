//! The links under a list read a page at a time, newest first: "Older"
//! when the page is full, "Newest" when it is not the first.

use leptos::prelude::*;

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
