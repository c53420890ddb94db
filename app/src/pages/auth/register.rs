use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Register as RegisterFn;
use crate::components::form_error::{FieldError, FormError, FormErrors};
use model::{Name, Password};

#[component]
pub fn Register() -> impl IntoView {
    let register = ServerAction::<RegisterFn>::new();
    let query = use_query_map();
    let errors = FormErrors::new("register-form", &["name", "email", "password"], move || {
        register.value().get().and_then(|r| r.err())
    });
    view! {
        <section class="auth-card card">
            <h1>"Create your account"</h1>
            <ActionForm action=register attr:id="register-form" attr:class="form" attr:aria-label="Create account">
                <label for="register-name">"Your name"</label>
                <input id="register-name" name="name" type="text" autocomplete="name"
                    maxlength=Name::MAX_CHARS required aria-invalid=errors.invalid("name")
                    aria-describedby="register-name-error" />
                <FieldError errors field="name" id="register-name-error".to_owned() />
                <label for="register-email">"Email"</label>
                <input id="register-email" name="email" type="email" autocomplete="email" required
                    aria-invalid=errors.invalid("email") aria-describedby="register-email-error" />
                <FieldError errors field="email" id="register-email-error".to_owned() />
                <label for="register-password">"Password"</label>
                <input type="hidden" name="next" value=move || query.read().get("next").unwrap_or_default() />
                <input id="register-password" name="password" type="password" autocomplete="new-password"
                    minlength=Password::MIN_CHARS maxlength=Password::MAX_CHARS required
                    aria-describedby="password-hint register-password-error" aria-invalid=errors.invalid("password") />
                <p id="password-hint" class="hint">"At least 10 characters."</p>
                <FieldError errors field="password" id="register-password-error".to_owned() />
                <FormError message=errors.general() />
                <button class="btn btn-primary btn-block" type="submit" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { "Creating…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p class="muted">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
