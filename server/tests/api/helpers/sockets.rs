//! The test's Socket.IO side: a real client with the session cookie, and
//! waiting for events and acknowledgements.

use std::time::Duration;

use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client as SocketClient, ClientBuilder};
use rust_socketio::{Event, Payload};
use serde_json::Value;
use tokio::sync::mpsc;

use super::TestApp;

impl TestApp {
    /// A real Socket.IO client sending `cookie`; every event it receives
    /// (and every connect error) arrives on the returned channel.
    pub async fn socket(
        &self,
        cookie: Option<&str>,
    ) -> (SocketClient, mpsc::UnboundedReceiver<(String, Value)>) {
        self.socket_with_auth(cookie, Value::Null).await
    }

    /// Connects this client's socket, takes `hello`'s `lastEventId` and
    /// disconnects: a device that goes away. Returns where it left off.
    pub async fn goes_away(&self) -> i64 {
        let (socket, mut events) = self.socket(self.cookie_header().as_deref()).await;
        let hello = next_event(&mut events, "hello").await.expect("hello");
        socket.disconnect().await.expect("disconnect");
        hello["lastEventId"].as_i64().expect("lastEventId")
    }

    /// The device back, resuming from `last` (see [`goes_away`](Self::goes_away)).
    pub async fn comes_back(
        &self,
        last: i64,
    ) -> (SocketClient, mpsc::UnboundedReceiver<(String, Value)>) {
        let auth = serde_json::json!({ "lastEventId": last });
        self.socket_with_auth(self.cookie_header().as_deref(), auth)
            .await
    }

    /// Like [`socket`](Self::socket), with a handshake `auth` payload.
    pub async fn socket_with_auth(
        &self,
        cookie: Option<&str>,
        auth: Value,
    ) -> (SocketClient, mpsc::UnboundedReceiver<(String, Value)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut builder = ClientBuilder::new(self.base.clone())
            .namespace("/")
            .reconnect(false);
        if !auth.is_null() {
            builder = builder.auth(auth);
        }
        if let Some(cookie) = cookie {
            builder = builder.opening_header("Cookie", cookie);
        }
        let forward = |tx: mpsc::UnboundedSender<(String, Value)>| {
            move |event: Event, payload: Payload| {
                let _ = tx.send((event.as_str().to_owned(), payload_value(payload)));
            }
        };
        let on_any = forward(tx.clone());
        let builder = builder.on_any(move |event, payload, _| {
            on_any(event, payload);
            async {}.boxed()
        });
        let builder = [Event::Error, Event::Connect, Event::Close]
            .into_iter()
            .fold(builder, |b, event| {
                let send = forward(tx.clone());
                let name = event.clone();
                b.on(event, move |payload, _| {
                    send(name.clone(), payload);
                    async {}.boxed()
                })
            });
        let client = builder.connect().await.expect("engine.io handshake");
        (client, rx)
    }
}

fn payload_value(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut values) if values.len() == 1 => values.remove(0),
        Payload::Text(values) => Value::Array(values),
        #[allow(deprecated)]
        Payload::String(s) => Value::String(s),
        Payload::Binary(_) => Value::Null,
    }
}

/// Waits for the next event called `name`, skipping others.
pub async fn next_event(
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    name: &str,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some((event, value))) if event == name => return Some(value),
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return None,
        }
    }
}

/// Emits `event` with `payload` and waits for the server's acknowledgement.
pub async fn emit_ack(client: &SocketClient, event: &str, payload: Value) -> Value {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    client
        .emit_with_ack(
            event,
            payload,
            Duration::from_secs(5),
            move |payload: Payload, _| {
                if let Some(tx) = tx.lock().unwrap().take() {
                    // An ack's arguments arrive as one array: the answer is its first.
                    let answer = match payload_value(payload) {
                        Value::Array(mut args) if !args.is_empty() => args.remove(0),
                        other => other,
                    };
                    let _ = tx.send(answer);
                }
                async {}.boxed()
            },
        )
        .await
        .expect("emit");
    tokio::time::timeout(Duration::from_secs(6), rx)
        .await
        .expect("an ack in time")
        .expect("ack")
}

/// Waits briefly and returns every event that arrived, for "nothing came" checks.
pub async fn drain(
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    wait: Duration,
) -> Vec<(String, Value)> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(item)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        got.push(item);
    }
    got
}
