//! Adding an item at the end of the menu: available at once, and pushed to
//! whoever has the menu open.

use leptos::prelude::*;

use super::menu::FIELDS;
use crate::api::menu::add_menu_item;
use crate::components::form_error::{FieldError, FormError, FormErrors};
use crate::error::AppError;
use model::{parse_euros, MenuItem};

#[component]
pub fn NewItem(added: Callback<MenuItem>) -> impl IntoView {
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let last = RwSignal::new(None::<String>);
    let add = Action::new(move |_: &()| {
        let (item_name, item_description, item_price) = (
            name.get_untracked(),
            description.get_untracked(),
            price.get_untracked(),
        );
        async move {
            let Some(cents) = parse_euros(&item_price) else {
                return Err(AppError::invalid("priceCents", "write the price like 12.50").into());
            };
            let item = add_menu_item(item_name, item_description, cents).await?;
            last.set(Some(item.name.clone()));
            for field in [name, description, price] {
                field.set(String::new());
            }
            open.set(false);
            added.run(item.clone());
            Ok(item)
        }
    });
    let errors = FormErrors::new("new-item", FIELDS, move || {
        add.value().get().and_then(|r| r.err())
    });
    let general = errors.general();
    view! {
        <section class="card new-item" id="new-item" aria-labelledby="new-item-title">
            <h2 id="new-item-title">"Add an item"</h2>
            <Show when=move || open.get()
                fallback=move || view! {
                    <p class="new-item-closed">
                        <button class="btn btn-ghost" on:click=move |_| { open.set(true); last.set(None); }>
                            "New item"
                        </button>
                        <span class="muted" role="status">
                            {move || last.get().map(|n| format!("Added {n} at the end of the menu."))}
                        </span>
                    </p>
                }>
                <form class="form" on:submit=move |ev| { ev.prevent_default(); add.dispatch(()); }>
                    <label for="new-name">"Name"</label>
                    <input id="new-name" name="name" maxlength="100" required prop:value=move || name.get()
                        aria-invalid=errors.invalid("name") aria-describedby="new-name-error"
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                    <FieldError errors field="name" id="new-name-error".to_owned() />
                    <label for="new-description">"Description (optional)"</label>
                    <input id="new-description" name="description" maxlength="300"
                        prop:value=move || description.get()
                        aria-invalid=errors.invalid("description") aria-describedby="new-description-error"
                        on:input=move |ev| description.set(event_target_value(&ev)) />
                    <FieldError errors field="description" id="new-description-error".to_owned() />
                    <label for="new-price">"Price (€)"</label>
                    <input id="new-price" name="priceCents" inputmode="decimal" required placeholder="12.50"
                        prop:value=move || price.get()
                        aria-invalid=errors.invalid("priceCents") aria-describedby="new-price-error"
                        on:input=move |ev| price.set(event_target_value(&ev)) />
                    <FieldError errors field="priceCents" id="new-price-error".to_owned() />
                    <FormError message=general />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || add.pending().get()>"Add item"</button>
                        <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
