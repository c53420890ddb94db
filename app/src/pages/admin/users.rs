//! Users (suspend, reinstate) and announcements.

use crate::api::{failure, ApiError};
use crate::components::table::{load_failed, table_of, Column};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::admin::{admin_users, send_announcement, set_user_suspended};
use crate::components::confirm::ConfirmButton;
use crate::components::form_error::{FieldError, FormErrors};
use crate::components::pager::{pages, shown, url_number, Pager};
use model::admin::{Announce, UserQuery};
use model::{Role, UserId};

const COLUMNS: &[Column] = &[
    Column::Shown("Name"),
    Column::Shown("Email"),
    Column::Shown("Role"),
    Column::Shown("Status"),
    Column::Unseen("Action"),
];

/// Users on one page.
const PAGE: i64 = 50;

#[component]
pub fn AdminUsers() -> impl IntoView {
    let params = use_query_map();
    // What the URL asks for; a value that cannot be read is said where the
    // list would be, as the API's own refusals are.
    let wanted = Memo::new(move |_| -> Result<UserQuery, ApiError> {
        let p = params.read();
        Ok(UserQuery {
            q: p.get("q"),
            role: p.get("role"),
            suspended: url_number(p.get("suspended"), "suspended")?,
            before: url_number(p.get("before"), "before")?,
            // One more than shown: whether an older page exists.
            limit: Some(PAGE + 1),
        })
    });
    let users = Resource::new(
        move || wanted.get(),
        |wanted| async move { admin_users(wanted?).await },
    );
    let toggle = Action::new(move |(id, suspend): &(UserId, bool)| {
        let (id, suspend) = (*id, *suspend);
        async move { set_user_suspended(id, suspend).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = toggle.value().get() {
            users.refetch();
        }
    });
    let toggle_error = failure(toggle);
    let me = crate::components::session::CurrentUser::get().0;
    // The form's fields, as typed; from the URL at first and again when it
    // changes. A role or state that is not one reads as "any".
    let fields = move || {
        params.with(|p| {
            let role = p.get("role");
            let role = role
                .as_deref()
                .and_then(Role::parse)
                .map_or("", Role::as_str);
            let state = match p.get("suspended").as_deref() {
                Some("true") => "true",
                Some("false") => "false",
                _ => "",
            };
            (
                p.get("q").unwrap_or_default(),
                role.to_owned(),
                state.to_owned(),
            )
        })
    };
    let (q, role, state) = untrack(fields);
    let (typed, role, state) = (RwSignal::new(q), RwSignal::new(role), RwSignal::new(state));
    Effect::new(move |_| {
        let (q, r, s) = fields();
        typed.set(q);
        role.set(r);
        state.set(s);
    });
    let navigate = use_navigate();
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = UserQuery {
            q: Some(typed.get_untracked()),
            role: Some(role.get_untracked()),
            suspended: state.get_untracked().parse().ok(),
            ..UserQuery::default()
        };
        navigate(
            &format!("/admin/users{}", query.to_query_string()),
            Default::default(),
        );
    };
    view! {
        <div class="page-head"><h1>"Users"</h1></div>
        <AnnouncementForm />
        <h2 class="section-title">"People"</h2>
        // Without the app (not yet loaded) the form asks the server itself.
        <form method="get" action="/admin/users" class="browse-controls list-search user-search" role="search" on:submit=search>
            <label>"Search"
                <input type="search" name="q" maxlength="100" autocomplete="off" placeholder="Name or email"
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
            </label>
            <label>"Role"
                <select name="role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="">"Any role"</option>
                    {Role::ALL.map(|r| view! {
                        <option value=r.as_str() selected=move || role.with(|x| x == r.as_str())>{r.label()}</option>
                    }).into_iter().collect_view()}
                </select>
            </label>
            <label>"Status"
                <select name="suspended" prop:value=move || state.get() on:change=move |ev| state.set(event_target_value(&ev))>
                    <option value="">"Any status"</option>
                    <option value="false" selected=move || state.with(|s| s == "false")>"Active"</option>
                    <option value="true" selected=move || state.with(|s| s == "true")>"Suspended"</option>
                </select>
            </label>
            <button class="btn" type="submit">"Search"</button>
        </form>
        <Show when=move || toggle_error().is_some()>
            <p class="form-error" role="alert">{toggle_error}</p>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let query = wanted.get_untracked().unwrap_or_default();
                Suspend::new(async move {
                let me = me.await.map(|u| u.id);
                match users.await {
                    Ok(mut list) => {
                        let full = shown(&mut list, PAGE);
                        let (newest, older) = pages(
                            "/admin/users",
                            query.before,
                            list.last().map(|u| u.id.0),
                            full,
                            |before| UserQuery { before, limit: None, ..query.clone() }.to_query_string(),
                        );
                        let table = table_of("orders-table users-table", COLUMNS, "No users match.", list, |u| {
                        let (id, suspended) = (u.id, u.suspended);
                        view! {
                            <tr data-user-id=id.to_string() data-email=u.email.clone() data-suspended=suspended.to_string()>
                                <td data-label="Name">{u.name.clone()}</td>
                                // A phone's narrow card breaks an address at its
                                // "@" rather than mid-word.
                                <td data-label="Email">{
                                    let (name, domain) = u.email.split_at(u.email.find('@').unwrap_or(u.email.len()));
                                    view! { {name.to_owned()}<wbr/>{domain.to_owned()} }
                                }</td>
                                <td data-label="Role">{u.role.label()}</td>
                                <td data-label="Status">{if suspended { "Suspended" } else { "Active" }}</td>
                                <td>
                                    {if Some(id) == me {
                                        // No one suspends themself: the server refuses it too.
                                        view! { <span class="muted you">"You"</span> }.into_any()
                                    } else if suspended {
                                        view! {
                                            <button class="btn btn-ghost" disabled=move || toggle.pending().get()
                                                on:click=move |_| { toggle.dispatch((id, false)); }>"Reinstate"</button>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <ConfirmButton label="Suspend" question=format!("Suspend {}?", u.name)
                                                yes="Yes, suspend" danger=true
                                                busy=Signal::derive(move || toggle.pending().get())
                                                on_confirm=move || { toggle.dispatch((id, true)); } />
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    });
                        view! { {table} <Pager newest older /> }.into_any()
                    }
                    Err(e) => load_failed(&e),
                }
            })}}
        </Transition>
    }
}

#[component]
fn AnnouncementForm() -> impl IntoView {
    let message = RwSignal::new(String::new());
    let audience = RwSignal::new(String::from("everyone"));
    let send = Action::new(move |input: &Announce| {
        let input = input.clone();
        async move { send_announcement(input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            message.set(String::new());
        }
    });
    let errors = FormErrors::new("announce-form", &["message", "audience"], move || {
        send.value().get().and_then(|r| r.err())
    });
    let general = errors.general();
    let result = move || match send.value().get() {
        Some(Ok(a)) => Some((false, format!("Sent to {}.", people(a.recipients)))),
        Some(Err(_)) => general.get().map(|text| (true, text)),
        None => None,
    };
    view! {
        <section class="card announce">
            <h2>"Announcement"</h2>
            <form class="announce-form" id="announce-form" on:submit=move |ev| {
                ev.prevent_default();
                // The second tap of a double tap lands on the box the first
                // one's success emptied: it keeps "Sent to …", not an error.
                let sent = send.value().with_untracked(|v| matches!(v, Some(Ok(_))));
                if sent && message.with_untracked(|m| m.trim().is_empty()) {
                    return;
                }
                send.dispatch(Announce { message: message.get_untracked(), audience: audience.get_untracked() });
            }>
                <label>"Message"
                    <textarea name="message" rows="2" maxlength="500" prop:value=move || message.get()
                        aria-invalid=errors.invalid("message") aria-describedby="announce-message-error"
                        on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                </label>
                <FieldError errors field="message" id="announce-message-error".to_owned() />
                <label>"To"
                    <select name="audience" prop:value=move || audience.get() on:change=move |ev| audience.set(event_target_value(&ev))>
                        <option value="everyone">"Everyone"</option>
                        <option value="customer">"Customers"</option>
                        <option value="restaurant">"Restaurant staff"</option>
                        <option value="driver">"Drivers"</option>
                        <option value="admin">"Admins"</option>
                    </select>
                </label>
                <button class="btn btn-primary" type="submit" disabled=move || send.pending().get()>"Send"</button>
            </form>
            {move || result().map(|(error, text)| view! {
                <p class:form-error=error class:notice=!error role="status">{text}</p>
            })}
        </section>
    }
}

/// "1 person", "12 people".
fn people(n: i64) -> String {
    model::words::count(n, "person", "people")
}
