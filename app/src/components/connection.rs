//! The live connection: its state as a signal, and the small indicator in
//! the header. The browser opens the socket once someone is signed in.

use leptos::prelude::*;

use crate::realtime::events::Hello;

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

#[derive(Clone, Copy)]
pub struct Connection {
    pub state: RwSignal<LinkState>,
    pub hello: RwSignal<Option<Hello>>,
}

impl Connection {
    pub fn provide() {
        let connection = Connection {
            state: RwSignal::new(LinkState::Connecting),
            hello: RwSignal::new(None),
        };
        provide_context(connection);
        #[cfg(feature = "hydrate")]
        {
            let user = crate::components::session::CurrentUser::get();
            Effect::new(move |_| {
                if let Some(Some(_)) = user.0.get() {
                    crate::client::socket::connect(connection);
                }
            });
        }
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
