use leptos::prelude::*;

use super::FormError;
use crate::api::auth::Register as RegisterFn;
use crate::api::error_message;
use crate::model::{Name, Password};

#[component]
pub fn Register() -> impl IntoView {
    let register = ServerAction::<RegisterFn>::new();
    let error = Signal::derive(move || {
        register
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_message(&e))
    });
    view! {
        <section class="auth-card card">
            <h1>"Create your account"</h1>
            <ActionForm action=register attr:class="form" attr:aria-label="Create account">
                <label for="register-name">"Your name"</label>
                <input id="register-name" name="name" type="text" autocomplete="name"
                    maxlength=Name::MAX_CHARS required />
                <label for="register-email">"Email"</label>
                <input id="register-email" name="email" type="email" autocomplete="email" required />
                <label for="register-password">"Password"</label>
                <input id="register-password" name="password" type="password" autocomplete="new-password"
                    minlength=Password::MIN_CHARS maxlength=Password::MAX_CHARS required
                    aria-describedby="password-hint" />
                <p id="password-hint" class="hint">"At least 10 characters."</p>
                <FormError message=error />
                <button class="btn btn-primary btn-block" type="submit" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { "Creating…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p class="muted">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
