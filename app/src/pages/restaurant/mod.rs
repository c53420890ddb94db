//! Restaurant staff: the order board.

use leptos::prelude::*;

const COLUMNS: &[(&str, &str)] = &[
    ("placed", "New"),
    ("confirmed", "Confirmed"),
    ("preparing", "Preparing"),
    ("ready", "Ready for pickup"),
];

#[component]
pub fn Board() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"Order board"</h1>
            <p class="muted">"New orders appear here the moment they are placed."</p>
        </div>
        <div class="board">
            {COLUMNS.iter().map(|(status, title)| view! {
                <section class="board-column" data-status=*status aria-label=*title>
                    <h2>{*title}</h2>
                    <p class="muted empty-column">"No orders"</p>
                </section>
            }).collect_view()}
        </div>
    }
}
