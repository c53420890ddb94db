//! Signing in and creating an account. Both forms work without JavaScript
//! too: they post to the server functions, which redirect.

mod login;
mod register;

pub use login::Login;
pub use register::Register;

use leptos::prelude::*;

#[component]
fn FormError(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="form-error" role="alert">{move || message.get()}</p>
        </Show>
    }
}
