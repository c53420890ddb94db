//! The chat of one order: history on open, messages live from every
//! participant, "typing…", "Seen", and a queue that holds what is sent
//! while offline and sends it on reconnect (its `clientId` makes a resend
//! harmless).

use leptos::prelude::*;

use super::connection::{Connection, LinkState};
use super::session::CurrentUser;
use crate::model::chat::{message_body, ChatMessage, ChatRead};
use crate::model::time::{clock, parse_rfc3339};
#[cfg(feature = "hydrate")]
use crate::realtime::events::ChatTyping;
use crate::realtime::events::{CHAT_MESSAGE, CHAT_READ, CHAT_TYPING};

/// A message typed here that the server has not confirmed yet.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    order_id: i64,
    client_id: String,
    body: String,
    error: Option<String>,
    sending: bool,
}

#[derive(Clone, Copy)]
struct ChatState {
    order_id: Signal<Option<i64>>,
    messages: RwSignal<Vec<ChatMessage>>,
    reads: RwSignal<Vec<ChatRead>>,
    pending: RwSignal<Vec<Pending>>,
    /// Who is typing, and until when (ms since the epoch).
    typing: RwSignal<Option<(i64, String, f64)>>,
    open: RwSignal<bool>,
    loaded: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    me: Signal<Option<i64>>,
}

#[component]
pub fn ChatPanel(
    #[prop(into)] order_id: Signal<Option<i64>>,
    #[prop(optional)] read_only: bool,
) -> impl IntoView {
    let user = CurrentUser::get();
    let me = Signal::derive(move || user.after_hydration().with(|u| u.as_ref().map(|u| u.id)));
    let state = ChatState {
        order_id,
        messages: RwSignal::new(Vec::new()),
        reads: RwSignal::new(Vec::new()),
        pending: RwSignal::new(Vec::new()),
        typing: RwSignal::new(None),
        open: RwSignal::new(false),
        loaded: RwSignal::new(false),
        error: RwSignal::new(None),
        me,
    };
    state.load_on_open();
    state.follow_live();
    let draft = RwSignal::new(String::new());
    let draft_error = RwSignal::new(None::<String>);
    let send = move || match message_body(&draft.get_untracked()) {
        Ok(body) => {
            draft.set(String::new());
            draft_error.set(None);
            state.queue(body);
        }
        Err(why) => draft_error.set(Some(why.to_owned())),
    };
    let typing_note = move || {
        state
            .typing
            .get()
            .filter(|(_, _, until)| *until > now())
            .map(|(_, name, _)| format!("{name} is typing…"))
    };

    view! {
        <section class="card chat" aria-label="Chat">
            <h2>"Chat"</h2>
            <Show when=move || state.loaded.get() fallback=|| view! { <p class="muted">"Loading chat…"</p> }>
                <ol class="chat-log" aria-live="polite">
                    <For each=move || state.messages.get() key=|m| m.id let:m>
                        <ChatLine message=m state />
                    </For>
                    <For each=move || state.pending_here() key=|p| (p.client_id.clone(), p.error.clone()) let:p>
                        <li class="chat-msg mine pending" data-client-id=p.client_id.clone()>
                            <p class="chat-body">{p.body.clone()}</p>
                            <p class="chat-meta">
                                {match p.error.clone() {
                                    Some(e) => format!("Not sent: {e}"),
                                    None => "Sending…".to_owned(),
                                }}
                            </p>
                        </li>
                    </For>
                </ol>
                <Show when=move || state.messages.with(Vec::is_empty) && state.pending_here().is_empty()>
                    <p class="muted">"No messages yet."</p>
                </Show>
                <p class="chat-typing muted">{typing_note}</p>
                <Show when=move || !read_only && state.open.get()
                    fallback=move || (!read_only).then(|| view! { <p class="muted">"This chat is closed."</p> })>
                    <form class="chat-form" on:submit=move |ev| { ev.prevent_default(); send(); }>
                        <textarea name="message" rows="2" maxlength="2000" placeholder="Write a message"
                            aria-label="Message"
                            prop:value=move || draft.get()
                            on:input=move |ev| { draft.set(event_target_value(&ev)); state.say_typing(); }
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" && !ev.shift_key() { ev.prevent_default(); send(); }
                            }></textarea>
                        <button class="btn btn-primary" type="submit">"Send"</button>
                    </form>
                    <Show when=move || draft_error.get().is_some()>
                        <p class="form-error" role="alert">{move || draft_error.get()}</p>
                    </Show>
                </Show>
            </Show>
            <Show when=move || state.error.get().is_some()>
                <p class="form-error" role="alert">{move || state.error.get()}</p>
            </Show>
        </section>
    }
}

#[component]
fn ChatLine(message: ChatMessage, state: ChatState) -> impl IntoView {
    let mine = move || state.me.get() == Some(message.sender.id);
    let id = message.id;
    let sender = message.sender.id;
    // "Seen" under my newest message once someone else read up to it.
    let seen = move || {
        let newest_mine = state.messages.with(|m| {
            m.iter()
                .rev()
                .find(|m| Some(m.sender.id) == state.me.get())
                .map(|m| m.id)
        });
        newest_mine == Some(id)
            && state.reads.with(|r| {
                r.iter()
                    .any(|r| r.user_id != sender && r.up_to_message_id >= id)
            })
    };
    view! {
        <li class="chat-msg" class:mine=mine data-message-id=id>
            <p class="chat-meta">
                <strong>{message.sender.name.clone()}</strong>
                " · " {parse_rfc3339(&message.at).map(clock).unwrap_or_default()}
            </p>
            // Text, never markup: whatever was typed is shown as typed.
            <p class="chat-body">{message.body.clone()}</p>
            <Show when=seen>
                <p class="chat-seen">"Seen"</p>
            </Show>
        </li>
    }
}

fn now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

impl ChatState {
    /// The messages typed here for the order on screen, not yet confirmed.
    fn pending_here(self) -> Vec<Pending> {
        let current = self.order_id.get();
        self.pending.with(|p| {
            p.iter()
                .filter(|p| Some(p.order_id) == current)
                .cloned()
                .collect()
        })
    }

    /// Whenever the order changes: start clean, follow the order's room
    /// (admins read along through it) and load its history.
    fn load_on_open(self) {
        Effect::new(move |previous: Option<Option<i64>>| {
            let current = self.order_id.get();
            if previous.as_ref() == Some(&current) {
                return current;
            }
            self.messages.set(Vec::new());
            self.reads.set(Vec::new());
            self.typing.set(None);
            self.open.set(false);
            self.loaded.set(false);
            #[cfg(feature = "hydrate")]
            {
                if let Some(Some(old)) = previous {
                    crate::client::socket::unwatch(old);
                }
                if let Some(order_id) = current {
                    leptos::task::spawn_local(async move {
                        let _ = crate::client::socket::watch(order_id).await;
                    });
                }
            }
            self.load();
            current
        });
        #[cfg(feature = "hydrate")]
        {
            let order_id = self.order_id;
            on_cleanup(move || {
                if let Some(Some(id)) = order_id.try_get_untracked() {
                    crate::client::socket::unwatch(id);
                }
            });
        }
    }

    /// Reads the history of the order on screen. A late answer for an order
    /// no longer shown, or for a panel that is gone, is dropped.
    fn load(self) {
        let Some(order_id) = self.order_id.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let result = crate::api::chat::load_chat(order_id).await;
            if self.order_id.try_get_untracked() != Some(Some(order_id)) {
                return;
            }
            match result {
                Ok(history) => {
                    self.messages.try_set(history.messages);
                    self.reads.try_set(history.reads);
                    self.open.try_set(history.open);
                    self.error.try_set(None);
                    self.mark_read();
                }
                Err(e) => {
                    self.error.try_set(Some(crate::api::error_message(&e)));
                }
            }
            self.loaded.try_set(true);
        });
        let _ = order_id;
    }

    /// Messages, read marks and typing from the socket; the queue is sent
    /// again on every reconnect.
    fn follow_live(self) {
        let connection = Connection::get();
        connection.on_event(move |event| {
            if event.order_id() != self.order_id.get_untracked() {
                return;
            }
            match event.kind.as_str() {
                CHAT_MESSAGE => {
                    if let Some(message) = event.decode::<ChatMessage>() {
                        self.arrived(message);
                        self.mark_read();
                    }
                }
                CHAT_READ => {
                    if let Some(mark) = event.decode::<ChatRead>() {
                        self.reads.update(|reads| {
                            reads.retain(|r| r.user_id != mark.user_id);
                            reads.push(mark);
                        });
                    }
                }
                CHAT_TYPING => {
                    #[cfg(feature = "hydrate")]
                    if let Some(t) = event.decode::<ChatTyping>() {
                        if Some(t.user.id) != self.me.get_untracked() {
                            self.typing
                                .set(t.typing.then(|| (t.user.id, t.user.name, now() + 4000.0)));
                            // Clear the note when it runs out.
                            set_timeout(
                                move || self.typing.update(|_| {}),
                                std::time::Duration::from_millis(4100),
                            );
                        }
                    }
                }
                _ => {}
            }
        });
        let state = connection.state;
        Effect::new(move |was_connected: Option<bool>| {
            let connected = state.get() == LinkState::Connected;
            if connected {
                if was_connected == Some(false) {
                    // Back after a gap: what was said meanwhile.
                    self.load();
                }
                self.flush();
            }
            connected
        });
    }

    /// A message the server confirmed (live, or in a send's ack). After an
    /// await the panel may be gone: every access here is a `try_`.
    fn arrived(self, message: ChatMessage) {
        self.pending
            .try_update(|p| p.retain(|p| p.client_id != message.client_id));
        let was_typing = self.typing.try_with_untracked(|t| {
            t.as_ref()
                .is_some_and(|(id, _, _)| *id == message.sender.id)
        });
        if was_typing == Some(true) {
            self.typing.try_set(None);
        }
        if self.order_id.try_get_untracked() != Some(Some(message.order_id)) {
            return;
        }
        self.messages.try_update(|messages| {
            if !messages.iter().any(|m| m.id == message.id) {
                messages.push(message);
                messages.sort_by_key(|m| m.id);
            }
        });
    }

    fn queue(self, body: String) {
        let Some(order_id) = self.order_id.get_untracked() else {
            return;
        };
        let client_id = new_client_id();
        self.pending.update(|p| {
            p.push(Pending {
                order_id,
                client_id,
                body,
                error: None,
                sending: false,
            })
        });
        self.flush();
    }

    /// Sends every queued message not on its way yet (when connected), each
    /// to its own order (the board switches between chats).
    fn flush(self) {
        #[cfg(feature = "hydrate")]
        {
            use crate::client::socket;
            if !socket::is_connected() {
                return;
            }
            let Some(todo) = self.pending.try_with_untracked(|p| {
                p.iter()
                    .filter(|p| !p.sending && p.error.is_none())
                    .cloned()
                    .collect::<Vec<Pending>>()
            }) else {
                return;
            };
            for item in todo {
                self.set_sending(&item.client_id, true, None);
                leptos::task::spawn_local(async move {
                    let payload = serde_json::json!({
                        "orderId": item.order_id, "body": item.body, "clientId": item.client_id
                    });
                    match socket::request("chat:send", &payload).await {
                        Ok(answer) => {
                            if let Ok(message) =
                                serde_json::from_value::<ChatMessage>(answer["message"].clone())
                            {
                                self.arrived(message);
                            }
                        }
                        // Cut off mid-send: stays queued, sent again on reconnect.
                        Err(_) if !socket::is_connected() => {
                            self.set_sending(&item.client_id, false, None)
                        }
                        Err(e) => self.set_sending(&item.client_id, false, Some(e.sentence())),
                    }
                });
            }
        }
    }

    #[cfg(feature = "hydrate")]
    fn set_sending(self, client_id: &str, sending: bool, error: Option<String>) {
        self.pending.try_update(|p| {
            if let Some(p) = p.iter_mut().find(|p| p.client_id == client_id) {
                p.sending = sending;
                p.error = error;
            }
        });
    }

    /// Tells the others how far this reader has read.
    fn mark_read(self) {
        #[cfg(feature = "hydrate")]
        {
            let Some(Some(order_id)) = self.order_id.try_get_untracked() else {
                return;
            };
            let me = self.me.try_get_untracked().flatten();
            let newest = self
                .messages
                .try_with_untracked(|m| {
                    m.iter()
                        .rev()
                        .find(|m| Some(m.sender.id) != me)
                        .map(|m| m.id)
                })
                .flatten();
            let already = self
                .reads
                .try_with_untracked(|r| {
                    r.iter()
                        .find(|r| Some(r.user_id) == me)
                        .map(|r| r.up_to_message_id)
                        .unwrap_or(0)
                })
                .unwrap_or(0);
            if let Some(newest) = newest.filter(|n| *n > already) {
                leptos::task::spawn_local(async move {
                    let payload =
                        serde_json::json!({ "orderId": order_id, "upToMessageId": newest });
                    let _ = crate::client::socket::request("chat:read", &payload).await;
                });
            }
        }
    }

    /// "…is typing" to the others, at most every 2 seconds per order.
    fn say_typing(self) {
        #[cfg(feature = "hydrate")]
        {
            thread_local! {
                static LAST: std::cell::RefCell<(i64, f64)> = const { std::cell::RefCell::new((0, 0.0)) };
            }
            let Some(order_id) = self.order_id.get_untracked() else {
                return;
            };
            let recent = LAST.with(|l| {
                let (id, at) = *l.borrow();
                id == order_id && now() - at < 2000.0
            });
            if recent {
                return;
            }
            LAST.with(|l| *l.borrow_mut() = (order_id, now()));
            leptos::task::spawn_local(async move {
                let payload = serde_json::json!({ "orderId": order_id, "typing": true });
                let _ = crate::client::socket::request("chat:typing", &payload).await;
            });
        }
    }
}

fn new_client_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        format!(
            "{}-{}",
            js_sys::Date::now() as u64,
            (js_sys::Math::random() * 1e12) as u64
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::from("server")
    }
}
