//! What a chat panel holds and does: the messages, read marks and typing
//! of the order on screen, and the queue of messages not confirmed yet.

use leptos::prelude::*;
use model::chat::{ChatMessage, ChatRead};
use model::events::Event;
use model::{OrderId, UserId};

use crate::components::connection::{Connection, LinkState};

/// A message typed here that the server has not confirmed yet.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pending {
    pub(super) order_id: OrderId,
    pub(super) client_id: String,
    pub(super) body: String,
    pub(super) error: Option<String>,
    pub(super) sending: bool,
}

#[derive(Clone, Copy)]
pub(super) struct ChatState {
    pub(super) order_id: Signal<Option<OrderId>>,
    pub(super) messages: RwSignal<Vec<ChatMessage>>,
    pub(super) reads: RwSignal<Vec<ChatRead>>,
    pub(super) pending: RwSignal<Vec<Pending>>,
    /// Who is typing, and until when (ms since the epoch).
    pub(super) typing: RwSignal<Option<(UserId, String, f64)>>,
    pub(super) open: RwSignal<bool>,
    pub(super) loaded: RwSignal<bool>,
    pub(super) error: RwSignal<Option<String>>,
    pub(super) me: Signal<Option<UserId>>,
}

pub(super) use crate::components::local_time::now_ms as now;

impl ChatState {
    /// The messages typed here for the order on screen, not yet confirmed.
    pub(super) fn pending_here(self) -> Vec<Pending> {
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
    pub(super) fn load_on_open(self) {
        Effect::new(move |previous: Option<Option<OrderId>>| {
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
    pub(super) fn load(self) {
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
    pub(super) fn follow_live(self) {
        let connection = Connection::get();
        connection.on_event(move |event| {
            if event.order_id() != self.order_id.get_untracked() {
                return;
            }
            match &event.event {
                Event::ChatMessage(message) => {
                    self.arrived(message.clone());
                    self.mark_read();
                }
                Event::ChatRead(mark) => {
                    self.reads.update(|reads| {
                        reads.retain(|r| r.user_id != mark.user_id);
                        reads.push(mark.clone());
                    });
                }
                #[cfg(feature = "hydrate")]
                Event::ChatTyping(t) if Some(t.user.id) != self.me.get_untracked() => {
                    self.typing.set(
                        t.typing
                            .then(|| (t.user.id, t.user.name.clone(), now() + 4000.0)),
                    );
                    // Clear the note when it runs out.
                    set_timeout(
                        move || self.typing.update(|_| {}),
                        std::time::Duration::from_millis(4100),
                    );
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
    pub(super) fn arrived(self, message: ChatMessage) {
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

    pub(super) fn queue(self, body: String) {
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
    pub(super) fn flush(self) {
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
                    let request = model::requests::SendChat {
                        order_id: item.order_id,
                        body: item.body.clone(),
                        client_id: item.client_id.clone(),
                    };
                    match socket::send(&request).await {
                        Ok(sent) => self.arrived(sent.message),
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
    pub(super) fn set_sending(self, client_id: &str, sending: bool, error: Option<String>) {
        self.pending.try_update(|p| {
            if let Some(p) = p.iter_mut().find(|p| p.client_id == client_id) {
                p.sending = sending;
                p.error = error;
            }
        });
    }

    /// Tells the others how far this reader has read.
    pub(super) fn mark_read(self) {
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
                        .unwrap_or(model::MessageId(0))
                })
                .unwrap_or(model::MessageId(0));
            if let Some(newest) = newest.filter(|n| *n > already) {
                leptos::task::spawn_local(async move {
                    let request = model::requests::ReadChat {
                        order_id,
                        up_to_message_id: newest,
                    };
                    let _ = crate::client::socket::send(&request).await;
                });
            }
        }
    }

    /// "…is typing" to the others, at most every 2 seconds per order.
    pub(super) fn say_typing(self) {
        #[cfg(feature = "hydrate")]
        {
            thread_local! {
                static LAST: std::cell::RefCell<(OrderId, f64)> =
                    const { std::cell::RefCell::new((OrderId(0), 0.0)) };
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
                let request = model::requests::Typing {
                    order_id,
                    typing: true,
                };
                let _ = crate::client::socket::send(&request).await;
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
