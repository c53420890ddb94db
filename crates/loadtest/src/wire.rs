//! One benchmark connection over a raw WebSocket: Engine.IO v4 / Socket.IO
//! framing for Mealstream and the Node peer, bare JSON frames for the floor.
//! A connection is one task that answers pings, sends what it is told and
//! hands every received event to the scenario's `Sink` (no per-message
//! allocation beyond parsing the JSON).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

mod frames;
use frames::encode;
pub use frames::{parse_ack, parse_event};

/// How a target frames its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Engine.IO v4 packets carrying Socket.IO packets (`42["event",data]`).
    SocketIo,
    /// The floor: `{"e":"event","d":data}` text frames, no handshake.
    Raw,
}

/// Receives every event a connection gets: (connection index, name, data,
/// Socket.IO recovery offset when the server sends one).
pub type Sink = Arc<dyn Fn(usize, &str, &Value) + Send + Sync>;

/// Where and how to connect.
#[derive(Clone, Debug)]
pub struct Dial {
    pub addr: SocketAddr,
    /// Path and query of the WebSocket URL.
    pub path: String,
    pub framing: Framing,
    pub cookie: Option<String>,
    /// Socket.IO CONNECT payload (`auth`).
    pub auth: Option<Value>,
    /// Source address, so many clients do not share one address's limits
    /// and ports (any 127.0.0.0/8 address works on loopback).
    pub local_ip: Option<IpAddr>,
    /// Event the server sends once the socket is in its rooms (`hello` for
    /// Mealstream); `None`: ready at the CONNECT acknowledgement.
    pub ready_event: Option<&'static str>,
}

/// What the server said when the socket became ready.
#[derive(Debug, Default)]
pub struct Ready {
    /// Socket.IO connection-state-recovery id (Node peer), if any.
    pub pid: Option<String>,
    /// `hello`'s payload (Mealstream).
    pub hello: Option<Value>,
}

enum Cmd {
    Emit {
        event: String,
        data: Value,
        ack: Option<oneshot::Sender<Value>>,
    },
    Close,
}

/// A live connection; dropping it closes the socket.
pub struct Conn {
    tx: mpsc::UnboundedSender<Cmd>,
    task: tokio::task::JoinHandle<()>,
    offset: Arc<Mutex<Option<String>>>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const READY_TIMEOUT: Duration = Duration::from_secs(30);

impl Conn {
    /// Sends an event without waiting for anything.
    pub fn emit(&self, event: &str, data: Value) -> anyhow::Result<()> {
        self.tx
            .send(Cmd::Emit {
                event: event.to_owned(),
                data,
                ack: None,
            })
            .map_err(|_| anyhow!("connection closed"))
    }

    /// Sends an event and waits for its acknowledgement.
    pub async fn emit_ack(&self, event: &str, data: Value) -> anyhow::Result<Value> {
        let (ack, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Emit {
                event: event.to_owned(),
                data,
                ack: Some(ack),
            })
            .map_err(|_| anyhow!("connection closed"))?;
        tokio::time::timeout(Duration::from_secs(10), rx)
            .await
            .context("no acknowledgement within 10 s")?
            .map_err(|_| anyhow!("connection closed before the acknowledgement"))
    }

    /// Closes the socket politely (a WebSocket close frame).
    pub fn close(&self) {
        let _ = self.tx.send(Cmd::Close);
    }

    /// The last Socket.IO recovery offset received (Node peer).
    pub fn offset(&self) -> Option<String> {
        self.offset
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn is_open(&self) -> bool {
        !self.task.is_finished()
    }
}

/// Opens a connection and waits until the server has it in its rooms.
pub async fn connect(dial: &Dial, index: usize, sink: Sink) -> anyhow::Result<(Conn, Ready)> {
    let socket = if dial.addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(ip) = dial.local_ip {
        socket
            .bind(SocketAddr::new(ip, 0))
            .with_context(|| format!("cannot bind to {ip}"))?;
    }
    let stream = socket
        .connect(dial.addr)
        .await
        .with_context(|| format!("cannot reach {}", dial.addr))?;
    stream.set_nodelay(true)?;
    let mut request = format!("ws://{}{}", dial.addr, dial.path).into_client_request()?;
    if let Some(cookie) = &dial.cookie {
        request.headers_mut().insert("cookie", cookie.parse()?);
    }
    // Small buffers: the generator holds tens of thousands of these.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(request, stream, Some(config))
        .await
        .context("WebSocket handshake refused")?;
    let mut ready = Ready::default();
    let offset = Arc::new(Mutex::new(None));
    // What arrives before the socket is ready is the scenario's too: a
    // replay (Mealstream, before `hello`) or the missed packets Node's
    // connection-state recovery sends before its CONNECT answer, which the
    // official client buffers and delivers.
    let early = |(name, data, at): (String, Value, Option<String>)| {
        if at.is_some() {
            *offset.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
        sink(index, &name, &data);
    };
    if dial.framing == Framing::SocketIo {
        let handshake = tokio::time::timeout(READY_TIMEOUT, async {
            // Engine.IO OPEN, then our Socket.IO CONNECT, then its answer.
            let open = next_text(&mut ws).await?;
            if !open.starts_with('0') {
                bail!("expected the Engine.IO open packet, got {open:.60}");
            }
            let connect = match &dial.auth {
                Some(auth) => format!("40{auth}"),
                None => "40".to_owned(),
            };
            ws.send(Message::text(connect)).await?;
            loop {
                let text = next_text(&mut ws).await?;
                if text == "2" {
                    ws.send(Message::text("3")).await?;
                } else if let Some(body) = text.strip_prefix("40") {
                    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                    return Ok(v["pid"].as_str().map(str::to_owned));
                } else if let Some(body) = text.strip_prefix("44") {
                    bail!("connection refused: {body}");
                } else if let Some(event) = parse_event(&text) {
                    early(event);
                }
            }
        })
        .await
        .context("no Socket.IO handshake within 30 s")??;
        ready.pid = handshake;
        if let Some(wanted) = dial.ready_event {
            let hello = tokio::time::timeout(READY_TIMEOUT, async {
                loop {
                    let text = next_text(&mut ws).await?;
                    if text == "2" {
                        ws.send(Message::text("3")).await?;
                        continue;
                    }
                    match parse_event(&text) {
                        Some((name, data, _)) if name == wanted => {
                            return Ok::<_, anyhow::Error>(data)
                        }
                        Some(event) => early(event),
                        None => {}
                    }
                }
            })
            .await
            .with_context(|| format!("no `{wanted}` within 30 s"))??;
            ready.hello = Some(hello);
        }
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let framing = dial.framing;
    let task = tokio::spawn(pump(ws, rx, framing, index, sink, offset.clone()));
    Ok((Conn { tx, task, offset }, ready))
}

type Ws = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn next_text(ws: &mut Ws) -> anyhow::Result<String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => return Ok(t.as_str().to_owned()),
            Some(Ok(Message::Close(_))) | None => bail!("closed by the server"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
        }
    }
}

async fn pump(
    mut ws: Ws,
    mut rx: mpsc::UnboundedReceiver<Cmd>,
    framing: Framing,
    index: usize,
    sink: Sink,
    last_offset: Arc<Mutex<Option<String>>>,
) {
    let mut acks: HashMap<u64, oneshot::Sender<Value>> = HashMap::new();
    let mut next_ack = 0u64;
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(Cmd::Emit { event, data, ack }) => {
                    let id = ack.map(|a| {
                        next_ack += 1;
                        acks.insert(next_ack, a);
                        next_ack
                    });
                    if ws.send(Message::text(encode(framing, &event, &data, id))).await.is_err() {
                        return;
                    }
                }
                Some(Cmd::Close) | None => {
                    let _ = ws.close(None).await;
                    return;
                }
            },
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                let text = text.as_str();
                match framing {
                    Framing::SocketIo => {
                        if text == "2" {
                            if ws.send(Message::text("3")).await.is_err() {
                                return;
                            }
                        } else if let Some((name, data, offset)) = parse_event(text) {
                            if offset.is_some() {
                                *last_offset.lock().unwrap_or_else(|e| e.into_inner()) = offset;
                            }
                            sink(index, &name, &data);
                        } else if let Some((id, data)) = parse_ack(text) {
                            if let Some(a) = acks.remove(&id) {
                                let _ = a.send(data);
                            }
                        } else if text.starts_with("41") || text == "1" {
                            return;
                        }
                    }
                    Framing::Raw => {
                        if let Ok(mut v) = serde_json::from_str::<Value>(text) {
                            if let Some(name) = v["e"].as_str().map(str::to_owned) {
                                sink(index, &name, &v["d"].take());
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Node's connection-state recovery sends the missed packets before its
    /// CONNECT answer; the official client delivers them, and so must we.
    #[tokio::test]
    async fn events_before_the_connect_answer_reach_the_scenario() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            ws.send(Message::text(r#"0{"sid":"e1","pingInterval":25000}"#))
                .await
                .unwrap();
            let connect = next_text(&mut ws).await.unwrap();
            let auth: Value = serde_json::from_str(connect.strip_prefix("40").unwrap()).unwrap();
            assert_eq!(auth, json!({ "pid": "p1", "offset": "o1" }));
            for text in [
                r#"42["order:status_changed",{"orderId":1},"o2"]"#,
                r#"42["order:status_changed",{"orderId":2},"o3"]"#,
                r#"40{"sid":"s2","pid":"p1"}"#,
            ] {
                ws.send(Message::text(text)).await.unwrap();
            }
            // Held open until the client has read everything.
            let _ = ws.next().await;
        });
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink: Sink = {
            let got = got.clone();
            Arc::new(move |i, name: &str, data: &Value| {
                got.lock()
                    .unwrap()
                    .push((i, name.to_owned(), data["orderId"].clone()));
            })
        };
        let dial = Dial {
            addr,
            path: "/socket.io/?EIO=4&transport=websocket".into(),
            framing: Framing::SocketIo,
            cookie: None,
            auth: Some(json!({ "pid": "p1", "offset": "o1" })),
            local_ip: None,
            ready_event: None,
        };
        let (conn, ready) = connect(&dial, 4, sink).await.unwrap();
        assert_eq!(ready.pid.as_deref(), Some("p1"));
        assert_eq!(conn.offset().as_deref(), Some("o3"));
        assert_eq!(
            *got.lock().unwrap(),
            [
                (4, "order:status_changed".to_owned(), json!(1)),
                (4, "order:status_changed".to_owned(), json!(2))
            ]
        );
        conn.close();
        server.await.unwrap();
    }
}
