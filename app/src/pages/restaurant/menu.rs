//! Staff keep their menu: add an item, edit its name, description, price
//! and availability. Each row saves on its own, and only a row with
//! changes offers Save. Whoever has the menu open sees the change within a
//! second (`menu:item_changed`).

use crate::components::table::load_failed;
use leptos::prelude::*;

use super::menu_new::NewItem;
use crate::api::menu::{edit_menu_item, my_restaurant};
use crate::components::form_error::FormErrors;
use crate::components::text_field::TextField;
use crate::error::AppError;
use model::{euros_text, parse_euros, MenuItem};

/// The inputs of a menu item, by the server's field names.
pub(super) const FIELDS: &[&str] = &["name", "description", "priceCents"];

#[component]
pub fn MenuEditor() -> impl IntoView {
    let restaurant = Resource::new(|| (), |_| my_restaurant());
    view! {
        <p><a href="/board">"← Order board"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading menu…"</p> }>
            {move || Suspend::new(async move {
                match restaurant.await {
                    Ok(r) => {
                        let items = RwSignal::new(r.menu);
                        let added = Callback::new(move |item: MenuItem| items.update(|all| all.push(item)));
                        view! {
                            <div class="page-head">
                                <h1>"Menu of " {r.restaurant.name.clone()}</h1>
                                <p class="muted">"Prices in euros. Saved changes reach open menus at once and apply to new orders."</p>
                            </div>
                            <ul class="menu-list">
                                <For each=move || items.get() key=|item| item.id let:item>
                                    <MenuItemEditor item />
                                </For>
                            </ul>
                            <NewItem added />
                        }.into_any()
                    }
                    Err(e) => load_failed(&e),
                }
            })}
        </Suspense>
    }
}

/// What staff typed into a row.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    description: RwSignal<String>,
    price: RwSignal<String>,
    available: RwSignal<bool>,
}

impl Draft {
    fn new(item: &MenuItem) -> Self {
        Self {
            name: RwSignal::new(item.name.clone()),
            description: RwSignal::new(item.description.clone()),
            price: RwSignal::new(euros_text(item.price_cents)),
            available: RwSignal::new(item.available),
        }
    }

    fn reset(self, item: &MenuItem) {
        self.name.set(item.name.clone());
        self.description.set(item.description.clone());
        self.price.set(euros_text(item.price_cents));
        self.available.set(item.available);
    }

    /// Whether it says something other than `item` (spaces around a name
    /// and "12.5" for €12.50 are no change).
    fn differs(self, item: &MenuItem) -> bool {
        self.name.with(|n| n.trim() != item.name)
            || self.description.with(|d| d.trim() != item.description)
            || self
                .price
                .with(|p| parse_euros(p) != Some(item.price_cents))
            || self.available.get() != item.available
    }
}

#[component]
fn MenuItemEditor(item: MenuItem) -> impl IntoView {
    let id = item.id;
    let saved = RwSignal::new(item.clone());
    let draft = Draft::new(&item);
    let changed = Memo::new(move |_| saved.with(|s| draft.differs(s)));
    let save = Action::new(move |_: &()| {
        let (name, description, price, available) = (
            draft.name.get_untracked(),
            draft.description.get_untracked(),
            draft.price.get_untracked(),
            draft.available.get_untracked(),
        );
        async move {
            let Some(cents) = parse_euros(&price) else {
                return Err(AppError::invalid("priceCents", "write the price like 12.50").into());
            };
            let item = edit_menu_item(id, name, description, cents, available).await?;
            draft.reset(&item);
            saved.set(item.clone());
            Ok(item)
        }
    });
    let scope = format!("menu-item-{id}");
    let errors = FormErrors::new(scope.clone(), FIELDS, move || {
        save.value().get().and_then(|r| r.err())
    });
    let general = errors.general();
    let status = move || match save.value().get() {
        Some(Ok(_)) if !changed.get() => Some("Saved".to_owned()),
        Some(Err(_)) => general.get(),
        _ => None,
    };
    let input_id = move |field: &str| format!("{field}-{id}");
    view! {
        <li class="card menu-edit" id=scope data-menu-item-id=id.to_string() data-changed=move || changed.get().to_string()>
            <div class="menu-edit-fields" role="group" aria-label=move || saved.with(|s| s.name.clone())>
                <div class="field field-name">
                    <TextField id=input_id("name") label="Name" field="name" value=draft.name errors maxlength=100 />
                </div>
                <div class="field field-description">
                    <TextField id=input_id("description") label="Description" field="description"
                        value=draft.description errors maxlength=300 />
                </div>
                <div class="field field-price">
                    <TextField id=input_id("price") label="Price (€)" field="priceCents" value=draft.price errors
                        inputmode="decimal" />
                </div>
                <label class="check field-available">
                    <input type="checkbox" name="available" prop:checked=move || draft.available.get()
                        on:change=move |ev| draft.available.set(event_target_checked(&ev)) />
                    "Available"
                </label>
                <div class="menu-edit-actions">
                    <Show when=move || changed.get()>
                        <button class="btn btn-primary" disabled=move || save.pending().get()
                            on:click=move |_| { save.dispatch(()); }>"Save"</button>
                        <button class="btn btn-ghost" disabled=move || save.pending().get()
                            on:click=move |_| saved.with_untracked(|s| draft.reset(s))>"Undo"</button>
                    </Show>
                    <span class="muted" role="status">{status}</span>
                </div>
            </div>
        </li>
    }
}
