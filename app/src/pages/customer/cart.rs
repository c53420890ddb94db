//! The cart beside a menu, and checkout.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::orders::place_order;
use crate::components::address_picker::AddressPicker;
use crate::components::cart_store::CartStore;
use crate::components::form_error::{FieldError, FormError, FormErrors};
use model::cart::LineIssue;
use model::{format_cents, MenuItem, MenuItemId, RestaurantId, DELIVERY_FEE_CENTS};

/// The open menu as it is now (its restaurant and items, live changes
/// applied), for the cart beside it to check its lines against.
#[derive(Clone, Copy)]
pub struct LiveMenu(pub Signal<Option<(RestaurantId, Vec<MenuItem>)>>);

impl LiveMenu {
    pub fn item(&self, id: MenuItemId) -> Option<MenuItem> {
        self.0
            .with(|m| m.as_ref()?.1.iter().find(|i| i.id == id).cloned())
    }
}

/// A fresh key per checkout attempt, kept until it succeeds, so a retried
/// click or a flaky network never places two orders.
fn new_idempotency_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let a = (js_sys::Math::random() * 1e15) as u64;
        let b = js_sys::Date::now() as u64;
        format!("checkout-{b:x}-{a:x}")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[component]
pub fn CartPanel() -> impl IntoView {
    let cart = CartStore::get().0;
    let user = crate::components::session::CurrentUser::get().after_hydration();
    // Visitors browse and fill a cart; signing in comes here, and brings
    // them back to this menu with the cart as it was (it lives in the browser).
    let sign_in = move || {
        let back = cart.with(|c| c.restaurant_id.map(|id| format!("/restaurants/{id}")));
        model::pages::sign_in_then(&back.unwrap_or_else(|| "/restaurants".into()))
    };
    let live = use_context::<LiveMenu>();
    // Lines the menu no longer agrees with: settled before checkout.
    let issues = Memo::new(move |_| {
        let Some(live) = live else { return Vec::new() };
        live.0.with(|menu| match menu {
            Some((restaurant_id, items)) => cart.with(|c| {
                if c.restaurant_id == Some(*restaurant_id) {
                    c.issues(items)
                } else {
                    Vec::new()
                }
            }),
            None => Vec::new(),
        })
    });
    let chosen = crate::components::address_store::AddressStore::get();
    let key = StoredValue::new(String::new());
    let navigate = use_navigate();

    let checkout = Action::new(move |_: &()| {
        let dropoff = untrack(|| chosen.place());
        let input = cart.with_untracked(|c| c.checkout(dropoff));
        if key.get_value().is_empty() {
            key.set_value(new_idempotency_key());
        }
        let idempotency_key = key.get_value();
        async move {
            match input {
                Some(input) => place_order(input, idempotency_key).await,
                None => Err(crate::error::AppError::invalid("items", "your cart is empty").into()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(order)) = checkout.value().get() {
            key.set_value(String::new());
            cart.set(Default::default());
            navigate(&format!("/orders/{}", order.id), Default::default());
        }
    });
    let errors = FormErrors::new("checkout-form", &["note"], move || {
        checkout.value().get().and_then(|r| r.err())
    });

    view! {
        <aside class="card cart" id="cart" aria-label="Your cart">
            <h2>"Your cart"</h2>
            <Show when=move || cart.with(|c| !c.lines.is_empty())
                fallback=|| view! { <p class="muted">"Add something from the menu."</p> }>
                <p class="muted">{move || cart.with(|c| c.restaurant_name.clone())}</p>
                <ul class="cart-lines">
                    <For each=move || cart.get().lines key=|l| (l.menu_item_id, l.quantity, l.price_cents) let:line>
                        <li class="cart-line" data-menu-item-id=line.menu_item_id.to_string()>
                            <span class="cart-name">{line.name.clone()}</span>
                            <span class="qty">
                                <button class="btn btn-ghost btn-qty" aria-label=format!("One less {}", line.name)
                                    on:click=move |_| cart.update(|c| c.change(line.menu_item_id, -1))>"−"</button>
                                <span class="qty-value">{line.quantity}</span>
                                <button class="btn btn-ghost btn-qty" aria-label=format!("One more {}", line.name)
                                    on:click=move |_| cart.update(|c| c.change(line.menu_item_id, 1))>"+"</button>
                            </span>
                            <span class="price">{format_cents(line.price_cents * line.quantity)}</span>
                            <LineFlag id=line.menu_item_id issues />
                        </li>
                    </For>
                </ul>
                <dl class="totals">
                    <dt>"Subtotal"</dt><dd>{move || format_cents(cart.with(|c| c.subtotal_cents()))}</dd>
                    <dt>"Delivery"</dt><dd>{format_cents(DELIVERY_FEE_CENTS)}</dd>
                    <dt class="total">"Total"</dt>
                    <dd class="total" data-total>{move || format_cents(cart.with(|c| c.subtotal_cents()) + DELIVERY_FEE_CENTS)}</dd>
                </dl>
                <div class="form" id="checkout-form">
                    <AddressPicker id="cart-address" />
                    <label for="note">"Note for the restaurant (optional)"</label>
                    <input id="note" name="note" type="text" maxlength="500" prop:value=move || cart.with(|c| c.note.clone())
                        aria-invalid=errors.invalid("note") aria-describedby="note-error"
                        on:input=move |ev| cart.update(|c| c.note = event_target_value(&ev)) />
                    <FieldError errors field="note" id="note-error".to_owned() />
                    <FormError message=errors.general() />
                    <Show when=move || issues.with(|i| !i.is_empty())>
                        <p class="notice" role="status">"The menu changed: settle the flagged items first."</p>
                    </Show>
                    <Show when=move || user.with(Option::is_none)>
                        <a class="btn btn-primary btn-block" href=sign_in>"Sign in to order"</a>
                    </Show>
                    <button class="btn btn-primary btn-block" hidden=move || user.with(Option::is_none)
                        disabled=move || checkout.pending().get() || issues.with(|i| !i.is_empty())
                        on:click=move |_| { checkout.dispatch(()); }>
                        {move || if checkout.pending().get() { "Placing order…" } else { "Place order" }}
                    </button>
                </div>
            </Show>
        </aside>
    }
}

/// What changed about one cart line, and the one tap that settles it.
#[component]
fn LineFlag(id: MenuItemId, issues: Memo<Vec<(MenuItemId, LineIssue)>>) -> impl IntoView {
    let cart = CartStore::get().0;
    let issue = move || issues.with(|all| all.iter().find(|(i, _)| *i == id).map(|(_, x)| *x));
    move || {
        issue().map(|issue| match issue {
            LineIssue::Unavailable => view! {
                <p class="line-issue" role="alert" data-issue="unavailable">
                    "No longer available. "
                    <button class="link-button" on:click=move |_| cart.update(|c| c.remove(id))>"Remove"</button>
                </p>
            }
            .into_any(),
            LineIssue::PriceChanged { was, now } => view! {
                <p class="line-issue" role="alert" data-issue="price">
                    {format!("Now {} each (was {}). ", format_cents(now), format_cents(was))}
                    <button class="link-button" on:click=move |_| cart.update(|c| c.accept_price(id, now))>"Accept"</button>
                </p>
            }
            .into_any(),
        })
    }
}
