//! The live connection: its state as a signal, and the small indicator in
//! the header. The socket client (`client::socket`, browser only) feeds it;
//! nothing here knows the client.

use leptos::prelude::*;

use model::events::Hello;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Connected,
    Reconnecting,
    Offline,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Connecting => "connecting",
            LinkState::Connected => "connected",
            LinkState::Reconnecting => "reconnecting",
            LinkState::Offline => "offline",
        }
    }

    fn label(self) -> &'static str {
        match self {
            LinkState::Connecting => "Connecting…",
            LinkState::Connected => "Live",
            LinkState::Reconnecting => "Reconnecting…",
            LinkState::Offline => "Offline",
        }
    }
}

/// An event the socket received, as the pages see it.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveEvent {
    /// Counts every event this page received, from 1.
    pub seq: u64,
    pub kind: String,
    pub data: serde_json::Value,
}

impl LiveEvent {
    pub fn order_id(&self) -> Option<i64> {
        self.data.get("orderId").and_then(serde_json::Value::as_i64)
    }

    /// Logged events (lifecycle changes) carry an id; ephemeral ones
    /// (positions, typing) do not.
    pub fn is_logged(&self) -> bool {
        self.data.get("eventId").is_some()
    }

    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(self.data.clone()).ok()
    }
}

/// How many received events pages can still look back on.
const KEPT_EVENTS: usize = 100;

#[derive(Clone, Copy)]
pub struct Connection {
    pub state: RwSignal<LinkState>,
    pub hello: RwSignal<Option<Hello>>,
    events: RwSignal<Vec<LiveEvent>>,
}

impl Connection {
    /// Called by the socket client for every event it did not see before.
    pub fn push(&self, kind: String, data: serde_json::Value) {
        self.events.update(|events| {
            let seq = events.last().map(|e| e.seq + 1).unwrap_or(1);
            events.push(LiveEvent { seq, kind, data });
            if events.len() > KEPT_EVENTS {
                events.remove(0);
            }
        });
    }

    /// Runs `handle` once for each event received from now on.
    pub fn on_event(&self, handle: impl Fn(&LiveEvent) + 'static) {
        let events = self.events;
        let seen =
            StoredValue::new(events.with_untracked(|e| e.last().map(|e| e.seq).unwrap_or(0)));
        Effect::new(move |_| {
            events.with(|events| {
                for event in events.iter().filter(|e| e.seq > seen.get_value()) {
                    handle(event);
                    seen.set_value(event.seq);
                }
            });
        });
    }

    /// Puts the page's connection in context. In the browser,
    /// `client::socket::open_when_signed_in` then opens the socket.
    pub fn provide() -> Connection {
        let connection = Connection {
            state: RwSignal::new(LinkState::Connecting),
            hello: RwSignal::new(None),
            events: RwSignal::new(Vec::new()),
        };
        provide_context(connection);
        connection
    }

    pub fn get() -> Self {
        expect_context()
    }
}

/// A dot and a word: live, connecting, reconnecting or offline.
#[component]
pub fn ConnectionIndicator() -> impl IntoView {
    let state = Connection::get().state;
    view! {
        <span
            class="link-state"
            data-state=move || state.get().as_str()
            role="status"
            aria-live="polite"
            title="Live updates connection"
        >
            <span class="link-dot" aria-hidden="true"></span>
            <span class="link-label">{move || state.get().label()}</span>
        </span>
    }
}
