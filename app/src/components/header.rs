//! The top bar: brand, the role's navigation, the connection indicator and
//! the account menu.

use leptos::prelude::*;

use super::bell::NotificationBell;
use super::connection::ConnectionIndicator;
use super::session::CurrentUser;
use crate::api::auth::Logout;
use crate::model::{Role, User};

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
            ("/admin/disputes", "Disputes"),
            ("/admin/users", "Users"),
        ],
    }
}

#[component]
fn SignedIn(user: User) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <nav class="topnav" aria-label="Main">
            {nav_links(user.role)
                .iter()
                .map(|(href, label)| view! { <a href=*href>{*label}</a> })
                .collect_view()}
        </nav>
        <div class="account">
            <ConnectionIndicator />
            <NotificationBell role=user.role />
            <span class="who" data-role=user.role.as_str()>
                <span class="who-name">{user.name.clone()}</span>
                <span class="who-role">{user.role.label()}</span>
            </span>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="btn btn-ghost">"Sign out"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn SignedOut() -> impl IntoView {
    view! {
        <div class="account">
            <a class="btn btn-ghost" href="/login">"Sign in"</a>
            <a class="btn btn-primary" href="/register">"Create account"</a>
        </div>
    }
}
