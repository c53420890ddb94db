//! The links under a list read a page at a time, newest first: "Older"
//! when the page is full, "Newest" when it is not the first.

use leptos::prelude::*;
use model::order_query::OrderQuery;
use model::OrderId;

/// `query` is the page shown, `last` its oldest order, `full` whether it
/// held as many as a page may (so older ones may follow).
#[component]
pub fn Pager(
    path: &'static str,
    query: OrderQuery,
    last: Option<OrderId>,
    full: bool,
) -> impl IntoView {
    let first = OrderQuery {
        before: None,
        limit: None,
        ..query.clone()
    };
    let older = last.filter(|_| full).map(|last| OrderQuery {
        before: Some(last.0),
        limit: None,
        ..query.clone()
    });
    let newest = query
        .before
        .is_some()
        .then(|| format!("{path}{}", first.to_query_string()));
    (newest.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {newest.map(|href| view! { <a class="btn btn-ghost" href=href>"← Newest"</a> })}
                {older.map(|q| view! {
                    <a class="btn btn-ghost" rel="next" href=format!("{path}{}", q.to_query_string())>"Older →"</a>
                })}
            </nav>
        }
    })
}
