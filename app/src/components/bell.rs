//! The bell in the header: the unread count, live, and the list of
//! notifications with mark-as-read (one, or all).

use leptos::prelude::*;

use crate::components::local_time::LocalTime;
use model::admin::Announcement;

use super::connection::{Connection, LinkState};
use crate::api::notifications::{mark_notifications_read, my_notifications};
use model::notification::{MarkRead, Notification, NotificationNew};
use model::{OrderId, Role};

/// Where `role` works on order `id`: the page a bell item or a toast about
/// it leads to.
pub fn order_href(role: Role, id: OrderId) -> String {
    match role {
        Role::Customer => format!("/orders/{id}"),
        Role::Admin => format!("/admin/orders/{id}"),
        Role::Restaurant => "/board".to_owned(),
        Role::Driver => "/driver".to_owned(),
    }
}

#[component]
pub fn NotificationBell(role: Role) -> impl IntoView {
    let unread = RwSignal::new(0_i64);
    let items = RwSignal::new(Vec::<Notification>::new());
    let open = RwSignal::new(false);
    super::popover::close_on_escape(open);
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = my_notifications().await {
                unread.set(list.unread);
                items.set(list.items);
            }
        });
    };
    // In the browser only: the first load, and again after each (re)connect.
    Effect::new(move |_| load());
    let connection = Connection::get();
    // After a reconnect (not the first connect): read the list again, it may
    // have changed on another device.
    Effect::new(move |previous: Option<(bool, bool)>| {
        let connected = connection.state.get() == LinkState::Connected;
        let seen_before = previous.is_some_and(|(was, seen)| was || seen);
        if connected && previous.is_some_and(|(was, _)| !was) && seen_before {
            load();
        }
        (connected, seen_before || connected)
    });
    // Announcements keep one notification per user without an event each:
    // read the list again.
    connection.on(move |_: &Announcement, _| load());
    connection.on(move |new: &NotificationNew, _| {
        unread.set(new.unread);
        items.update(|list| {
            if !list.iter().any(|n| n.id == new.notification.id) {
                list.insert(0, new.notification.clone());
            }
        });
    });
    let mark = move |request: MarkRead| {
        leptos::task::spawn_local(async move {
            if let Ok(left) = mark_notifications_read(request.clone()).await {
                unread.set(left);
                items.update(|list| {
                    for n in list
                        .iter_mut()
                        .filter(|n| request.all || request.ids.contains(&n.id))
                    {
                        n.read = true;
                    }
                });
            }
        });
    };
    // Where a notification about an order leads: the screen each role
    // works that order from.
    let link = move |order_id: Option<OrderId>| order_id.map(|id| order_href(role, id));

    view! {
        <div class="bell">
            <button class="btn btn-ghost bell-button" aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-label=move || format!("Notifications, {} unread", unread.get())
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg class="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6v-5a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
                </svg>
                <Show when=move || { unread.get() > 0 }>
                    <span class="bell-count" data-unread=move || unread.get()>{move || unread.get()}</span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <div class="bell-panel" role="dialog" aria-label="Notifications">
                    <div class="bell-head">
                        <strong>"Notifications"</strong>
                        <button class="link-button" disabled=move || unread.get() == 0
                            on:click=move |_| mark(MarkRead { ids: Vec::new(), all: true })>
                            "Mark all as read"
                        </button>
                    </div>
                    <Show when=move || !items.with(Vec::is_empty)
                        fallback=|| view! { <p class="muted">"Nothing yet."</p> }>
                        <ul class="bell-list">
                            <For each=move || items.get() key=|n| (n.id, n.read) let:n>
                                {
                                    let id = n.id;
                                    let href = link(n.order_id);
                                    let when = n.at.clone();
                                    let read = move |_| { if !n.read { mark(MarkRead { ids: vec![id], all: false }); } };
                                    let text = view! {
                                        <span class="bell-title">{n.title.clone()}</span>
                                        <span class="bell-body">{n.body.clone()}</span>
                                        <span class="bell-time"><LocalTime at=when relative=true /></span>
                                    };
                                    // Nothing to open (an announcement): a tap marks it read.
                                    let entry = match href {
                                        Some(href) => view! { <a class="bell-entry" href=href on:click=read>{text}</a> }.into_any(),
                                        None => view! { <button type="button" class="bell-entry" on:click=read>{text}</button> }.into_any(),
                                    };
                                    view! {
                                        <li class="bell-item" class:unread=!n.read data-notification-id=id.to_string()>{entry}</li>
                                    }
                                }
                            </For>
                        </ul>
                    </Show>
                </div>
            </Show>
        </div>
    }
    .into_any()
}
