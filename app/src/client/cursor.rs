//! Where this page stands in the event log: the id its socket resumes
//! from, kept per user across reloads, and the recent ids it has handled,
//! so a replayed copy of an event that also came live is dropped.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use model::{EventId, UserId};

/// How many recent event ids the page remembers to drop duplicates.
const SEEN_CAPACITY: usize = 2000;

thread_local! {
    static USER_ID: Cell<UserId> = const { Cell::new(UserId(0)) };
    /// The newest event id this page has seen: what its socket resumes
    /// from. It starts where the log stood when the page was rendered (the
    /// browser's newest only when the page does not say); from then on each
    /// tab resumes from its own, so one tab that caught up first never makes
    /// another skip what it missed.
    static LAST: Cell<Option<EventId>> = const { Cell::new(None) };
    /// Ids of the logged events this page already handled, newest last.
    static SEEN: RefCell<VecDeque<EventId>> = const { RefCell::new(VecDeque::new()) };
}

/// The page's position for `user_id`, before its socket first connects:
/// from where the page was rendered. The browser's newest id may be ahead
/// of that (another tab saw events while this one loaded), and replaying
/// from there would skip what this page's render lacks.
pub fn start(user_id: UserId) {
    USER_ID.with(|u| u.set(user_id));
    LAST.with(|l| l.set(rendered_at().or_else(stored_event_id)));
}

/// The newest event id this page has seen (see `LAST`).
pub fn last_event_id() -> Option<EventId> {
    LAST.with(|l| l.get())
}

/// Per user, so two accounts in one browser never mix their positions.
fn last_event_key() -> String {
    format!("mealstream.lastEventId.{}", USER_ID.with(|u| u.get()))
}

/// The newest event id any page of this browser has seen, kept across
/// reloads.
fn stored_event_id() -> Option<EventId> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(&last_event_key()).ok()??.parse().ok()
}

/// Where the log stood when the server rendered this page (the shell's
/// `mealstream:log`).
fn rendered_at() -> Option<EventId> {
    super::page_meta("mealstream:log")?
        .parse()
        .ok()
        .map(EventId)
}

/// The page has handled `id`: it resumes after it, and so does the next
/// page of this browser that has no position of its own.
pub fn remember(id: EventId) {
    LAST.with(|l| l.set(l.get().max(Some(id))));
    if stored_event_id().is_some_and(|seen| seen >= id) {
        return;
    }
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(&last_event_key(), &id.to_string());
    }
}

/// `true` the first time an event id is seen; a replayed copy of an event
/// that also arrived live is dropped here.
pub fn first_sighting(id: EventId) -> bool {
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.contains(&id) {
            return false;
        }
        seen.push_back(id);
        if seen.len() > SEEN_CAPACITY {
            seen.pop_front();
        }
        true
    })
}
