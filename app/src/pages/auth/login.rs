use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{demo_accounts, Login as LoginFn};
use crate::components::form_error::{FormError, FormErrors};

fn reason_text(reason: &str) -> Option<&'static str> {
    match reason {
        "signed-out" => Some("You are signed out."),
        "revoked" => Some("Your session was ended. Please sign in again."),
        "suspended" => Some("Your account has been suspended."),
        "expired" => Some("Your session expired. Please sign in again."),
        _ => None,
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let login = ServerAction::<LoginFn>::new();
    // Wrong password, suspended, too many attempts: none is about one field.
    let errors = FormErrors::new("login-form", &[], move || {
        login.value().get().and_then(|r| r.err())
    });
    let demo = Resource::new(|| (), |_| demo_accounts());
    let query = use_query_map();
    let notice = move || query.read().get("reason").and_then(|r| reason_text(&r));
    // Where the sign-in was asked from (a checkout, a role page): back there.
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <section class="auth-card card">
            <h1>"Sign in"</h1>
            <Show when=move || notice().is_some()>
                <p class="notice" role="status">{notice}</p>
            </Show>
            <ActionForm action=login attr:id="login-form" attr:class="form" attr:aria-label="Sign in">
                <label for="login-email">"Email"</label>
                <input id="login-email" name="email" type="email" autocomplete="username" required />
                <label for="login-password">"Password"</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required />
                <input type="hidden" name="next" value=next />
                <FormError message=errors.general() />
                <button class="btn btn-primary btn-block" type="submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="muted">"New here? " <a href=move || match next() {
                n if n.is_empty() => "/register".to_owned(),
                n => format!("/register?next={}", model::pages::encode_next(&n)),
            }>"Create an account"</a></p>
            // Only where the demo data was seeded: nowhere else does this
            // password open anything.
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let accounts = demo.await.unwrap_or_default();
                    (!accounts.is_empty()).then(|| view! {
                        <details class="demo-accounts">
                            <summary>"Demo accounts (password: mealstream)"</summary>
                            <ul>
                                {accounts
                                    .into_iter()
                                    .map(|a| view! { <li><code>{a.email}</code>" — "{a.name}</li> })
                                    .collect_view()}
                            </ul>
                        </details>
                    })
                })}
            </Suspense>
        </section>
    }
}
