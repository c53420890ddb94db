//! One Socket.IO connection per page, opened once someone is signed in.
//! Its lifecycle feeds the `Connection` signals; events it receives are
//! decoded with the shared catalog in `realtime::events`.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::cursor;
use crate::components::connection::{Connection, LinkState};
use crate::error::ErrorDetail;
use model::events::{Hello, Payload, SessionRevoked};
use model::requests::{Request, UnwatchOrder, WatchOrder, Watching};
use model::{EventId, OrderId, UserId};

#[wasm_bindgen]
extern "C" {
    /// A socket of the official client (`io(...)` returns one).
    #[derive(Clone)]
    pub type JsSocket;
    type JsManager;

    #[wasm_bindgen(catch, js_name = io)]
    fn io(options: &JsValue) -> Result<JsSocket, JsValue>;

    #[wasm_bindgen(method)]
    fn on(this: &JsSocket, event: &str, callback: &js_sys::Function);

    #[wasm_bindgen(method, js_name = emitWithAck)]
    fn emit_with_ack(this: &JsSocket, event: &str, payload: &JsValue) -> js_sys::Promise;

    #[wasm_bindgen(method, getter)]
    fn connected(this: &JsSocket) -> bool;

    #[wasm_bindgen(method)]
    fn connect(this: &JsSocket);

    #[wasm_bindgen(method, js_name = onAny)]
    fn on_any(this: &JsSocket, callback: &js_sys::Function);

    #[wasm_bindgen(method, getter, js_name = io)]
    fn manager(this: &JsSocket) -> JsManager;

    #[wasm_bindgen(method, js_name = on)]
    fn on_manager(this: &JsManager, event: &str, callback: &js_sys::Function);
}

thread_local! {
    static SOCKET: RefCell<Option<JsSocket>> = const { RefCell::new(None) };
    /// Orders this page follows, each with how many views follow it;
    /// watched again after every reconnect, since a new connection starts in
    /// no order room.
    static WATCHED: RefCell<Vec<(OrderId, usize)>> = const { RefCell::new(Vec::new()) };
    /// Set while this page signs out: the revocation that follows is ours.
    static SIGNING_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Tells the socket that this page is signing out, so the server's "session
/// revoked" does not start a second navigation.
pub fn expect_sign_out(yes: bool) {
    SIGNING_OUT.with(|s| s.set(yes));
}

/// Why a request failed: the server's error ack (`code`, `message`), or
/// `offline` when there is no connection to send it on.
pub type RequestError = ErrorDetail;

fn local_error(code: &str, message: &str) -> RequestError {
    ErrorDetail {
        code: code.to_owned(),
        message: message.to_owned(),
        field: None,
    }
}

/// Sends a request (`order:watch`, `chat:send`, ...: its name comes with
/// its type) and waits for the server's answer, typed likewise.
pub async fn send<R: Request>(request: &R) -> Result<R::Answer, RequestError> {
    let socket = SOCKET.with(|s| s.borrow().clone());
    let Some(socket) = socket else {
        return Err(local_error(OFFLINE, "not connected"));
    };
    let payload = serde_json::to_string(request)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .ok_or_else(|| local_error("malformed", "bad payload"))?;
    let answer = wasm_bindgen_futures::JsFuture::from(socket.emit_with_ack(R::NAME, &payload))
        .await
        .map_err(|_| local_error(OFFLINE, "no answer from the server"))?;
    let answer: serde_json::Value = serde_wasm::from_js(&answer)
        .ok_or_else(|| local_error("unreadable", "unreadable answer"))?;
    if answer.get("ok").and_then(serde_json::Value::as_bool) == Some(true) {
        serde_json::from_value(answer).map_err(|_| local_error("unreadable", "unreadable answer"))
    } else {
        Err(serde_json::from_value(answer["error"].clone())
            .unwrap_or_else(|_| local_error("refused", "refused")))
    }
}

/// The code of a request that never reached the server.
pub const OFFLINE: &str = "offline";

/// Follows an order's ephemeral events (the driver's position) and returns
/// the watch answer (the order and its last position).
pub async fn watch(order_id: OrderId) -> Result<Watching, RequestError> {
    WATCHED.with(|w| {
        let mut w = w.borrow_mut();
        match w.iter_mut().find(|(id, _)| *id == order_id) {
            Some((_, views)) => *views += 1,
            None => w.push((order_id, 1)),
        }
    });
    send(&WatchOrder { order_id }).await
}

/// Stops following, once the last view of the order is gone: a view
/// replaced by a fresh one of the same order keeps the room.
pub fn unwatch(order_id: OrderId) {
    let last = WATCHED.with(|w| {
        let mut w = w.borrow_mut();
        if let Some((_, views)) = w.iter_mut().find(|(id, _)| *id == order_id) {
            *views = views.saturating_sub(1);
        }
        let before = w.len();
        w.retain(|(_, views)| *views > 0);
        w.len() < before
    });
    if last {
        leptos::task::spawn_local(async move {
            let _ = send(&UnwatchOrder { order_id }).await;
        });
    }
}

/// Whether the socket is connected right now.
pub fn is_connected() -> bool {
    SOCKET.with(|s| s.borrow().as_ref().is_some_and(|s| s.connected()))
}

/// Registers `callback` for `event`. The closure lives as long as the
/// page: the socket is never dropped before it.
fn listen(target: impl FnOnce(&js_sys::Function), callback: impl FnMut(JsValue) + 'static) {
    let closure = Closure::<dyn FnMut(JsValue)>::new(callback);
    target(closure.as_ref().unchecked_ref());
    closure.forget();
}

/// Opens the page's socket once someone is signed in (after hydration).
pub fn open_when_signed_in(connection: Connection) {
    let user = crate::components::session::CurrentUser::get();
    Effect::new(move |_| {
        if let Some(Some(user)) = user.0.get() {
            connect(connection, user.id);
        }
    });
}

/// Opens the page's socket (once). The handshake carries the session
/// cookie; `auth` is a function so every reconnect sends the newest id.
fn connect(connection: Connection, user_id: UserId) {
    if SOCKET.with(|s| s.borrow().is_some()) {
        return;
    }
    cursor::start(user_id);
    let options = js_sys::Object::new();
    let auth = Closure::<dyn Fn(js_sys::Function)>::new(|cb: js_sys::Function| {
        let payload = js_sys::Object::new();
        if let Some(id) = cursor::last_event_id() {
            let _ = js_sys::Reflect::set(
                &payload,
                &"lastEventId".into(),
                &JsValue::from_f64(id.0 as f64),
            );
        }
        let _ = cb.call1(&JsValue::NULL, &payload);
    });
    let _ = js_sys::Reflect::set(&options, &"auth".into(), auth.as_ref());
    auth.forget();
    let _ = js_sys::Reflect::set(&options, &"withCredentials".into(), &JsValue::TRUE);

    let socket = match io(&options) {
        Ok(socket) => socket,
        Err(e) => {
            web_sys::console::error_2(&"socket.io client unavailable".into(), &e);
            connection.state.set(LinkState::Offline);
            return;
        }
    };
    let state = connection.state;
    listen(
        |f| socket.on("connect", f),
        move |_| state.set(LinkState::Connected),
    );
    listen(
        |f| socket.on("disconnect", f),
        move |reason| {
            // The server closing us (sign-out) is final; anything else retries.
            let final_close = reason.as_string().as_deref() == Some("io server disconnect");
            state.set(if final_close {
                LinkState::Offline
            } else {
                LinkState::Reconnecting
            });
        },
    );
    listen(
        |f| socket.on("connect_error", f),
        move |err| {
            let message = js_sys::Reflect::get(&err, &"message".into())
                .ok()
                .and_then(|m| m.as_string());
            match message.as_deref() {
                Some("unauthorized") => go_to_sign_in("expired"),
                // Refused by the server, which the client does not retry by
                // itself: try again later, spread out so a crowd of pages
                // refused together does not come back together.
                Some("rate_limited") => retry_later(20_000),
                Some("unavailable") => retry_later(3_000),
                _ => {}
            }
            state.set(LinkState::Reconnecting);
        },
    );
    listen(
        |f| socket.manager().on_manager("reconnect_attempt", f),
        move |_| state.set(LinkState::Reconnecting),
    );
    let hello = connection.hello;
    listen(
        |f| socket.on(Hello::NAME, f),
        move |payload| match serde_wasm::from_js::<Hello>(&payload) {
            Some(h) => {
                cursor::remember(h.last_event_id);
                // The log no longer holds everything since our cursor: what
                // this page shows may be stale, so it is rendered afresh. A
                // page's first hello needs none: it was just rendered.
                let reconnected = hello.with_untracked(Option::is_some);
                if h.resync && reconnected {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }
                hello.set(Some(h));
                // A new connection starts in no order room: follow again
                // what this page follows (the driver's position reaches a
                // map only through its order's room).
                for order_id in
                    WATCHED.with(|w| w.borrow().iter().map(|(id, _)| *id).collect::<Vec<_>>())
                {
                    leptos::task::spawn_local(async move {
                        let _ = send(&WatchOrder { order_id }).await;
                    });
                }
            }
            None => web_sys::console::warn_1(&"unreadable hello".into()),
        },
    );
    listen(
        |f| socket.on(SessionRevoked::NAME, f),
        move |payload| {
            if SIGNING_OUT.with(|s| s.get()) {
                return;
            }
            let reason = js_sys::Reflect::get(&payload, &"reason".into())
                .ok()
                .and_then(|r| r.as_string());
            // A suspension says so on the sign-in page; anything else is "signed out".
            go_to_sign_in(if reason.as_deref() == Some("suspended") {
                "suspended"
            } else {
                "revoked"
            })
        },
    );
    let any =
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |name: JsValue, payload: JsValue| {
            let Some(kind) = name.as_string() else { return };
            if kind == Hello::NAME || kind == SessionRevoked::NAME {
                return;
            }
            let Some(data) = serde_wasm::from_js::<serde_json::Value>(&payload) else {
                return;
            };
            if let Some(id) = data.get("eventId").and_then(|v| v.as_i64()).map(EventId) {
                if !cursor::first_sighting(id) {
                    return;
                }
                cursor::remember(id);
            }
            connection.push(&kind, data);
        });
    socket.on_any(any.as_ref().unchecked_ref());
    any.forget();
    SOCKET.with(|s| *s.borrow_mut() = Some(socket));
}

/// Reconnects after `base_ms` plus up to half as much again, unless the
/// socket is connected by then.
fn retry_later(base_ms: u64) {
    let jitter = (js_sys::Math::random() * base_ms as f64 / 2.0) as u64;
    set_timeout(
        || {
            SOCKET.with(|s| {
                if let Some(socket) = s.borrow().as_ref().filter(|s| !s.connected()) {
                    socket.connect();
                }
            })
        },
        std::time::Duration::from_millis(base_ms + jitter),
    );
}

fn go_to_sign_in(reason: &str) {
    if SIGNING_OUT.with(|s| s.get()) {
        return;
    }
    if let Some(window) = web_sys::window() {
        let _ = window
            .location()
            .set_href(&format!("/login?reason={reason}"));
    }
}

/// JSON round trip between JS values and the serde catalog.
mod serde_wasm {
    use wasm_bindgen::JsValue;

    pub fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> Option<T> {
        let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
        serde_json::from_str(&text).ok()
    }
}
