//! A socket whose link stalls (a phone in a tunnel) while events keep
//! coming: once its buffer is full, an event that cannot be queued must
//! not simply be skipped while later ones get through, or the client's
//! last id passes it and no replay brings it back. The server holds such a
//! socket out of the live events and replays to it from the one it missed,
//! as it would on a reconnect, then says `hello` again. So what a socket
//! receives is always the log, without a gap.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

use crate::helpers::{log_to_admins, spawn_app};

/// More announcements to admins than a socket's buffer (4,096 packets)
/// and a small TCP window hold, and fewer than one replay sends (10,000)
/// beyond that.
const LOGGED: i64 = 12_000;

#[tokio::test]
async fn a_stalled_socket_is_caught_up_and_misses_no_event() {
    let app = spawn_app().await;
    app.login_demo("admin@mealstream.test").await;

    // A raw Engine.IO connection with a small receive window, so that the
    // server's side fills up soon once we stop reading.
    let tcp = tokio::net::TcpSocket::new_v4().expect("socket");
    tcp.set_recv_buffer_size(4096).expect("window");
    let stream = tcp.connect(app.addr).await.expect("connect");
    let mut request = format!("ws://{}/socket.io/?EIO=4&transport=websocket", app.addr)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "cookie",
        app.cookie_header()
            .expect("signed in")
            .parse()
            .expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .expect("websocket");
    let open = next_text(&mut ws).await;
    assert!(open.starts_with('0'), "{open}");
    ws.send(Message::text("40")).await.expect("connect");
    // Up to hello: its lastEventId is where the log stands.
    let newest = loop {
        let text = next_text(&mut ws).await;
        if let Some(("hello", hello)) = event(&text).as_ref().map(|(n, v)| (n.as_str(), v)) {
            break hello["lastEventId"].as_i64().expect("lastEventId");
        }
    };

    // The link stalls; the kitchen goes on.
    log_to_admins(&app, LOGGED, "busy").await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    // The link comes back: what arrives is the log from `newest` on, with
    // no gap, and a second hello once the replay is done.
    let mut expected = newest + 1;
    let mut hellos = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(3), ws.next()).await
    {
        let Message::Text(text) = message else {
            continue;
        };
        if text.as_str() == "2" {
            ws.send(Message::text("3")).await.expect("pong");
            continue;
        }
        let Some((name, value)) = event(text.as_str()) else {
            continue;
        };
        if name == "hello" {
            hellos.push(value);
            continue;
        }
        let Some(id) = value.get("eventId").and_then(Value::as_i64) else {
            continue;
        };
        if id < expected {
            continue; // a copy, dropped by id as the browser does
        }
        assert_eq!(
            id, expected,
            "{name} {id}: events {expected}.. were skipped"
        );
        expected += 1;
    }
    assert_eq!(expected - newest - 1, LOGGED, "every event, in order");
    // The stall did happen (else this test proves nothing), and the replay
    // after it ended where the log does.
    assert_eq!(hellos.len(), 1, "{hellos:?}");
    assert_eq!(hellos[0]["lastEventId"], newest + LOGGED, "{hellos:?}");
    assert_eq!(hellos[0]["resync"], false, "{hellos:?}");
}

async fn next_text<S>(ws: &mut S) -> String
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return text.as_str().to_owned(),
            Ok(Some(Ok(_))) => {}
            other => panic!("no message: {other:?}"),
        }
    }
}

/// `42["name",{...}]` as (name, payload).
fn event(text: &str) -> Option<(String, Value)> {
    let array: Vec<Value> = serde_json::from_str(text.strip_prefix("42")?).ok()?;
    Some((array.first()?.as_str()?.to_owned(), array.get(1)?.clone()))
}
