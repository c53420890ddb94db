//! Staff edit prices and availability. Not pushed to anyone (the emission
//! rule): customers see the change on their next load.

use leptos::prelude::*;

use crate::api::error_message;
use crate::api::menu::{edit_menu_item, my_restaurant};
use crate::components::form_error::{FieldError, FormErrors};
use crate::error::AppError;
use model::{format_cents, MenuItem};

#[component]
pub fn MenuEditor() -> impl IntoView {
    let restaurant = Resource::new(|| (), |_| my_restaurant());
    view! {
        <p><a href="/board">"← Order board"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading menu…"</p> }>
            {move || Suspend::new(async move {
                match restaurant.await {
                    Ok(r) => view! {
                        <div class="page-head">
                            <h1>"Menu of " {r.restaurant.name.clone()}</h1>
                            <p class="muted">"Prices in euros. Changes apply to new orders."</p>
                        </div>
                        <ul class="menu-list">
                            {r.menu.into_iter().map(|item| view! { <MenuItemEditor item /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MenuItemEditor(item: MenuItem) -> impl IntoView {
    let id = item.id;
    let price = RwSignal::new(format!(
        "{}.{:02}",
        item.price_cents / 100,
        item.price_cents % 100
    ));
    let available = RwSignal::new(item.available);
    let save = Action::new(move |_: &()| {
        let text = price.get_untracked();
        let available = available.get_untracked();
        async move {
            match parse_euros(&text) {
                Some(cents) => edit_menu_item(id, cents, available).await,
                None => Err(AppError::invalid("priceCents", "write the price like 12.50").into()),
            }
        }
    });
    let scope = format!("menu-item-{id}");
    let errors = FormErrors::new(scope.clone(), &["priceCents"], move || {
        save.value().get().and_then(|r| r.err())
    });
    let general = errors.general();
    let status = move || match save.value().get() {
        Some(Ok(saved)) => Some(format!("Saved: {}", format_cents(saved.price_cents))),
        Some(Err(_)) => general.get(),
        None => None,
    };
    view! {
        <li class="card menu-item menu-edit" id=scope data-menu-item-id=id>
            <div>
                <h2>{item.name.clone()}</h2>
                <p class="muted">{item.description.clone()}</p>
            </div>
            <div class="form menu-edit-fields">
                <label for=format!("price-{id}")>"Price (€)"</label>
                <input id=format!("price-{id}") name="priceCents" inputmode="decimal" prop:value=move || price.get()
                    aria-invalid=errors.invalid("priceCents") aria-describedby=format!("price-{id}-error")
                    on:input=move |ev| price.set(event_target_value(&ev)) />
                <FieldError errors field="priceCents" id=format!("price-{id}-error") />
                <label class="check">
                    <input type="checkbox" prop:checked=move || available.get()
                        on:change=move |ev| available.set(event_target_checked(&ev)) />
                    "Available"
                </label>
                <button class="btn btn-primary" disabled=move || save.pending().get()
                    on:click=move |_| { save.dispatch(()); }>"Save"</button>
                <span class="muted" role="status">{status}</span>
            </div>
        </li>
    }
}

/// "12.5" or "12,50" -> 1250 cents.
fn parse_euros(text: &str) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, "0"));
    if frac.len() > 2 || whole.is_empty() {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    (whole >= 0).then_some(whole * 100 + frac)
}

#[cfg(test)]
mod tests {
    use super::parse_euros;

    #[test]
    fn euro_text_becomes_cents() {
        assert_eq!(parse_euros("12.50"), Some(1250));
        assert_eq!(parse_euros("12,5"), Some(1250));
        assert_eq!(parse_euros("3"), Some(300));
        assert_eq!(parse_euros("1.234"), None);
        assert_eq!(parse_euros("-1"), None);
        assert_eq!(parse_euros("abc"), None);
    }
}
