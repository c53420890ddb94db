//! What an order cost: its total, or once a dispute refunded part of it,
//! the total struck through beside what the customer paid in the end.

use leptos::prelude::*;
use model::format_cents;

#[component]
pub fn Paid(total: i64, refunded: i64) -> impl IntoView {
    if refunded <= 0 {
        return view! { <span class="price">{format_cents(total)}</span> }.into_any();
    }
    view! {
        <span class="price paid" data-refunded=refunded.to_string()>
            <span class="sr-only">"Total "</span>
            <s>{format_cents(total)}</s>
            <span class="sr-only">", paid "</span>
            " " {format_cents(total - refunded)}
            <span class="refund-note">{format_cents(refunded)} " refunded"</span>
        </span>
    }
    .into_any()
}
