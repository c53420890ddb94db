//! A list as a table: one row per item on a desk, one card per item on a
//! phone (each cell captioned by its `data-label`, see style/parts).

use leptos::prelude::*;

use crate::api::{error_message, ApiError};

/// A column's header: shown, or read only by screen readers (an action
/// column, whose buttons say what they do).
#[derive(Clone, Copy)]
pub enum Column {
    Shown(&'static str),
    Unseen(&'static str),
}

/// `list` under the `columns`, each item drawn by `row` (a `<tr>`);
/// `empty` stands in for an empty list.
pub fn table_of<T, V: IntoView + 'static>(
    class: &'static str,
    columns: &'static [Column],
    empty: &'static str,
    list: Vec<T>,
    row: impl FnMut(T) -> V,
) -> AnyView {
    if list.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    let head = columns
        .iter()
        .map(|c| match *c {
            Column::Shown(name) => view! { <th scope="col">{name}</th> }.into_any(),
            Column::Unseen(name) => {
                view! { <th scope="col"><span class="sr-only">{name}</span></th> }.into_any()
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class=class>
                <thead><tr>{head}</tr></thead>
                <tbody>{list.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A list or page that could not be read, said where it would have stood.
pub fn load_failed(e: &ApiError) -> AnyView {
    view! { <p class="form-error" role="alert">{error_message(e)}</p> }.into_any()
}
