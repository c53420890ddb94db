//! The top bar: brand, the role's navigation, the connection indicator and
//! the account menu.

use leptos::prelude::*;

use super::bell::NotificationBell;
use super::connection::ConnectionIndicator;
use super::session::CurrentUser;
use model::{Role, User};

#[component]
pub fn Header() -> impl IntoView {
    let user = CurrentUser::get().0;
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"●"</span>
                "Mealstream"
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Some(user) => view! { <SignedIn user /> }.into_any(),
                        None => view! { <SignedOut /> }.into_any(),
                    }
                })}
            </Suspense>
        </header>
    }
}

fn nav_links(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Customer => &[("/restaurants", "Restaurants"), ("/orders", "My orders")],
        Role::Restaurant => &[("/board", "Order board"), ("/board/menu", "Menu")],
        Role::Driver => &[("/driver", "Deliveries")],
        Role::Admin => &[
            ("/admin", "Operations"),
            ("/admin/orders", "Orders"),
            ("/admin/disputes", "Disputes"),
            ("/admin/users", "Users"),
        ],
    }
}

#[component]
fn SignedIn(user: User) -> impl IntoView {
    let signing_out = RwSignal::new(false);
    // Taken now: after an await there is no reactive owner to ask.
    let toasts = super::toast::Toasts::get();
    // One navigation, and a full one: every page state (the socket, the
    // cached user) starts afresh. Without JavaScript the form posts and the
    // server redirects.
    let sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if signing_out.get_untracked() {
            return;
        }
        signing_out.set(true);
        #[cfg(not(feature = "hydrate"))]
        let _ = toasts;
        #[cfg(feature = "hydrate")]
        {
            // The server's "session revoked" for this very socket is expected now.
            crate::client::socket::expect_sign_out(true);
            leptos::task::spawn_local(async move {
                match crate::api::auth::logout().await {
                    Ok(()) => {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().replace("/login?reason=signed-out");
                        }
                    }
                    Err(e) => {
                        crate::client::socket::expect_sign_out(false);
                        signing_out.set(false);
                        toasts.show("Not signed out", crate::api::error_message(&e));
                    }
                }
            });
        }
    };
    let menu_open = RwSignal::new(false);
    super::popover::close_on_escape(menu_open);
    let role = user.role;
    let name = user.name.clone();
    // On the bar on a desk, inside the menu on a phone.
    let who = move || {
        view! {
            <span class="who" data-role=role.as_str()>
                <span class="who-name">{name.clone()}</span>
                <span class="who-role">{role.label()}</span>
            </span>
        }
    };
    let sign_out_form = move || {
        view! {
            <form class="inline sign-out" method="post" action=logout_url() on:submit=sign_out>
                <button type="submit" class="btn btn-ghost" disabled=move || signing_out.get()>"Sign out"</button>
            </form>
        }
    };
    view! {
        <nav class="topnav" aria-label="Main">
            <NavLinks role />
        </nav>
        <div class="account">
            <ConnectionIndicator />
            <NotificationBell role />
            {who()}
            {sign_out_form()}
            // Phones: the links and the account sit behind this button.
            <button type="button" class="btn btn-ghost menu-button" aria-controls="phone-menu"
                aria-expanded=move || menu_open.get().to_string()
                aria-label="Menu"
                on:click=move |_| menu_open.update(|o| *o = !*o)>
                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                    <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
                </svg>
            </button>
        </div>
        <Show when=move || menu_open.get()>
            <div id="phone-menu" class="phone-menu">
                // A link followed from the menu closes it.
                <nav aria-label="Menu" on:click=move |_| menu_open.set(false)>
                    <NavLinks role />
                </nav>
                <div class="phone-menu-foot">
                    {who()}
                    {sign_out_form()}
                </div>
            </div>
        </Show>
    }
}

#[component]
fn NavLinks(role: Role) -> impl IntoView {
    nav_links(role)
        .iter()
        .map(|(href, label)| view! { <a href=*href>{*label}</a> })
        .collect_view()
}

#[component]
fn SignedOut() -> impl IntoView {
    view! {
        // Visitors browse restaurants and menus; sign-in comes at checkout.
        <nav class="topnav" aria-label="Main">
            <a href="/restaurants">"Restaurants"</a>
        </nav>
        <div class="account">
            <a class="btn btn-ghost" href="/login">"Sign in"</a>
            <a class="btn btn-primary" href="/register">
                <span class="wide-only">"Create account"</span>
                <span class="narrow-only">"Sign up"</span>
            </a>
        </div>
    }
}

fn logout_url() -> &'static str {
    use leptos::server_fn::ServerFn;
    crate::api::auth::Logout::PATH
}
