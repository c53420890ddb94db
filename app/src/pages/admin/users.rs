//! Users (suspend, reinstate) and announcements.

use crate::api::failure;
use crate::components::table::{load_failed, table_of, Column};
use leptos::prelude::*;

use crate::api::admin::{admin_users, send_announcement, set_user_suspended};
use crate::components::confirm::ConfirmButton;
use crate::components::form_error::{FieldError, FormErrors};
use model::admin::Announce;
use model::UserId;

const COLUMNS: &[Column] = &[
    Column::Shown("Name"),
    Column::Shown("Email"),
    Column::Shown("Role"),
    Column::Shown("Status"),
    Column::Unseen("Action"),
];

#[component]
pub fn AdminUsers() -> impl IntoView {
    let users = Resource::new(|| (), |_| admin_users());
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
    view! {
        <div class="page-head"><h1>"Users"</h1></div>
        <AnnouncementForm />
        <Show when=move || toggle_error().is_some()>
            <p class="form-error" role="alert">{toggle_error}</p>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.map(|u| u.id);
                match users.await {
                    Ok(list) => table_of("orders-table users-table", COLUMNS, "No users.", list, |u| {
                        let (id, suspended) = (u.id, u.suspended);
                        view! {
                            <tr data-user-id=id.to_string() data-email=u.email.clone() data-suspended=suspended.to_string()>
                                <td data-label="Name">{u.name.clone()}</td>
                                <td data-label="Email">{u.email.clone()}</td>
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
                    }),
                    Err(e) => load_failed(&e),
                }
            })}
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
