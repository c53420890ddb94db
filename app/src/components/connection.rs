//! The live connection: its state as a signal, and the small indicator in
//! the header. The socket client (`client::socket`, browser only) feeds it;
//! nothing here knows the client.

use leptos::prelude::*;

use model::events::{Event, Hello, Payload};
use model::{EventId, OrderId};

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
    /// Logged events (lifecycle changes) carry an id; ephemeral ones
    /// (positions, typing) do not.
    pub event_id: Option<EventId>,
    order_id: Option<OrderId>,
    pub event: Event,
}

impl LiveEvent {
    /// Reads an event as it arrived: its name and JSON payload. `None` for
    /// a name outside the catalog or a payload that does not fit it.
    pub fn decode(seq: u64, kind: &str, data: serde_json::Value) -> Option<LiveEvent> {
        let event_id = data.get("eventId").and_then(|v| v.as_i64()).map(EventId);
        let order_id = data.get("orderId").and_then(|v| v.as_i64()).map(OrderId);
        let event = Event::decode(kind, data)?.ok()?;
        Some(LiveEvent {
            seq,
            event_id,
            order_id,
            event,
        })
    }

    /// The order the event is about, if it is about one.
    pub fn order_id(&self) -> Option<OrderId> {
        self.order_id
    }

    pub fn is_logged(&self) -> bool {
        self.event_id.is_some()
    }

    /// The payload, if the event is of kind `P`.
    pub fn get<P: Payload>(&self) -> Option<&P> {
        P::pick(&self.event)
    }
}

#[derive(Clone, Copy)]
pub struct Connection {
    pub state: RwSignal<LinkState>,
    pub hello: RwSignal<Option<Hello>>,
}

/// The least time between two refetches of one list by
/// [`Connection::on_order_change`].
pub const REFETCH_GAP_MS: u64 = 500;

#[cfg(feature = "hydrate")]
mod coalesce {
    //! Many hits, few runs: the first at once, then one per gap at most.

    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[derive(Clone)]
    pub struct Gap {
        run: Rc<dyn Fn()>,
        /// A gap is open: hits wait for its end.
        open: Rc<Cell<bool>>,
        /// A hit came during the gap.
        owed: Rc<Cell<bool>>,
        /// The view that asked is still there.
        alive: Arc<AtomicBool>,
    }

    impl Gap {
        pub fn new(run: impl Fn() + 'static) -> Gap {
            let alive = Arc::new(AtomicBool::new(true));
            let flag = alive.clone();
            leptos::prelude::on_cleanup(move || flag.store(false, Ordering::Relaxed));
            Gap {
                run: Rc::new(run),
                open: Rc::new(Cell::new(false)),
                owed: Rc::new(Cell::new(false)),
                alive,
            }
        }

        pub fn hit(&self) {
            if self.open.get() {
                self.owed.set(true);
                return;
            }
            (self.run)();
            self.open_gap();
        }

        fn open_gap(&self) {
            self.open.set(true);
            let next = self.clone();
            leptos::prelude::set_timeout(
                move || {
                    next.open.set(false);
                    if next.owed.replace(false) && next.alive.load(Ordering::Relaxed) {
                        next.hit();
                    }
                },
                std::time::Duration::from_millis(super::REFETCH_GAP_MS),
            );
        }
    }
}

#[cfg(feature = "hydrate")]
mod listeners {
    //! The page's listeners. Events are handed to each as they arrive, in
    //! order, however many a replay brings at once; a listener is dropped
    //! with the view that added it.
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use super::LiveEvent;

    type Listener = Rc<dyn Fn(&LiveEvent)>;

    thread_local! {
        static LISTENERS: RefCell<Vec<(u64, Listener)>> = const { RefCell::new(Vec::new()) };
        static COUNT: Cell<u64> = const { Cell::new(0) };
    }

    fn next() -> u64 {
        COUNT.with(|c| {
            c.set(c.get() + 1);
            c.get()
        })
    }

    pub fn add(handle: impl Fn(&LiveEvent) + 'static) {
        let id = next();
        LISTENERS.with(|l| l.borrow_mut().push((id, Rc::new(handle))));
        leptos::prelude::on_cleanup(move || {
            LISTENERS.with(|l| l.borrow_mut().retain(|(i, _)| *i != id));
        });
    }

    pub fn dispatch(kind: &str, data: serde_json::Value) {
        let Some(event) = LiveEvent::decode(next(), kind, data) else {
            leptos::logging::warn!("ignored an unknown or malformed event: {kind}");
            return;
        };
        // A listener may add or drop listeners: call a copy of the list.
        let listeners: Vec<Listener> =
            LISTENERS.with(|l| l.borrow().iter().map(|(_, f)| f.clone()).collect());
        for listener in listeners {
            leptos::prelude::untrack(|| listener(&event));
        }
    }
}

impl Connection {
    /// Called by the socket client for every event it did not see before.
    #[cfg(feature = "hydrate")]
    pub fn push(&self, kind: &str, data: serde_json::Value) {
        listeners::dispatch(kind, data);
    }

    /// Runs `handle` for each event received from now on, for as long as
    /// the calling view lives. (On the server, where no event arrives,
    /// nothing is kept.)
    pub fn on_event(&self, handle: impl Fn(&LiveEvent) + 'static) {
        #[cfg(feature = "hydrate")]
        listeners::add(handle);
        #[cfg(not(feature = "hydrate"))]
        let _ = handle;
    }

    /// Runs `refetch` when an order changes (a logged event about one, not
    /// its chat): at once for the first change, then at most once per
    /// [`REFETCH_GAP_MS`], with one more at the gap's end if any came
    /// meanwhile. A list on a busy platform reads again a few times a
    /// second, not once per event, and never misses the last change.
    pub fn on_order_change(&self, refetch: impl Fn() + 'static) {
        #[cfg(feature = "hydrate")]
        {
            let gap = coalesce::Gap::new(refetch);
            self.on_event(move |event| {
                if event.is_logged() && !event.event.is_chat() && event.order_id().is_some() {
                    gap.hit();
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = refetch;
    }

    /// Runs `handle` for each event of kind `P` received from now on.
    pub fn on<P: Payload + 'static>(&self, handle: impl Fn(&P, &LiveEvent) + 'static) {
        self.on_event(move |event| {
            if let Some(payload) = event.get::<P>() {
                handle(payload, event);
            }
        });
    }

    /// Puts the page's connection in context. In the browser,
    /// `client::socket::open_when_signed_in` then opens the socket.
    pub fn provide() -> Connection {
        let connection = Connection {
            state: RwSignal::new(LinkState::Connecting),
            hello: RwSignal::new(None),
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

#[cfg(test)]
mod tests {
    use super::*;
    use model::events::OrderStatusChanged;

    #[test]
    fn an_event_is_read_by_its_name_into_its_own_type() {
        let data = serde_json::json!({
            "eventId": 41, "at": "2026-12-02T10:00:00Z", "orderId": 7, "restaurantId": 2,
            "restaurantName": "Pho", "from": "placed", "to": "confirmed", "version": 2
        });
        let live = LiveEvent::decode(1, "order:status_changed", data.clone()).unwrap();
        assert_eq!(
            (live.event_id, live.order_id(), live.is_logged()),
            (Some(EventId(41)), Some(OrderId(7)), true)
        );
        let change = live.get::<OrderStatusChanged>().unwrap();
        assert_eq!(change.to, model::OrderStatus::Confirmed);
        assert!(live.get::<model::events::LocationUpdate>().is_none());
        // Under another name the same payload does not fit; unknown names are skipped.
        assert!(LiveEvent::decode(2, "delivery:offer", data.clone()).is_none());
        assert!(LiveEvent::decode(3, "order:eaten", data).is_none());
    }
}
