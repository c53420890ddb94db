//! Adding an item at the end of the menu: available at once, and pushed to
//! whoever has the menu open.

use leptos::prelude::*;

use super::menu::FIELDS;
use crate::api::menu::add_menu_item;
use crate::components::form_error::{FormError, FormErrors};
use crate::components::text_field::TextField;
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
                    <TextField id="new-name".to_owned() label="Name" field="name" value=name errors
                        maxlength=100 required=true />
                    <TextField id="new-description".to_owned() label="Description (optional)" field="description"
                        value=description errors maxlength=300 />
                    <TextField id="new-price".to_owned() label="Price (€)" field="priceCents" value=price errors
                        inputmode="decimal" placeholder="12.50" required=true />
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
