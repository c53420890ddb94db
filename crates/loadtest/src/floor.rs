//! `mealstream floor`: the benchmark's floor, a bare tokio-tungstenite
//! broadcast server. A client connects to `/?rooms=a,b` and is in those
//! rooms; a text frame `{"e":"publish","d":{"to":[rooms],"event":..,"data":..}}`
//! sends `{"e":event,"d":data}` once to every member of those rooms. No
//! auth, no log, no framing beyond JSON: what this machine can do at best.
//! `GET /healthz` answers 200 for readiness checks.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

type Out = mpsc::UnboundedSender<Utf8Bytes>;

#[derive(Default)]
struct Rooms(RwLock<HashMap<String, HashMap<u64, Out>>>);

#[derive(Deserialize)]
struct Frame {
    e: String,
    d: Publish,
}

#[derive(Deserialize)]
struct Publish {
    to: Vec<String>,
    event: String,
    data: serde_json::Value,
}

#[derive(Clone, Debug, clap::Args)]
pub struct FloorArgs {
    #[arg(long, default_value = "127.0.0.1:3100")]
    pub addr: String,
}

/// Serves until `stop` resolves (Ctrl-C, SIGTERM).
pub async fn run(args: &FloorArgs, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
    let addr = args.addr.as_str();
    tokio::pin!(stop);
    let listener = TcpListener::bind(addr).await?;
    println!("floor listening on {}", listener.local_addr()?);
    let rooms = Arc::new(Rooms::default());
    let ids = Arc::new(AtomicU64::new(0));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let id = ids.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve(stream, id, rooms.clone()));
            }
            _ = &mut stop => return Ok(()),
        }
    }
}

// The handshake callback's error type is tungstenite's (a whole HTTP response).
#[allow(clippy::result_large_err)]
async fn serve(mut stream: TcpStream, id: u64, rooms: Arc<Rooms>) {
    let mut head = [0u8; 12];
    if let Ok(n) = stream.peek(&mut head).await {
        if head[..n].starts_with(b"GET /healthz") {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await;
            return;
        }
    }
    let mut joined: Vec<String> = Vec::new();
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let ws = tokio_tungstenite::accept_hdr_async_with_config(
        stream,
        |req: &Request, res: Response| {
            if let Some(q) = req.uri().query() {
                joined = q
                    .split('&')
                    .filter_map(|kv| kv.strip_prefix("rooms="))
                    .flat_map(|v| v.split(','))
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            Ok(res)
        },
        Some(config),
    )
    .await;
    let Ok(ws) = ws else { return };
    let (mut write, mut read) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Utf8Bytes>();
    {
        let mut map = rooms.0.write().unwrap_or_else(|e| e.into_inner());
        for room in &joined {
            map.entry(room.clone()).or_default().insert(id, tx.clone());
        }
    }
    let writer = tokio::spawn(async move {
        while let Some(text) = rx.recv().await {
            if write.send(Message::Text(text)).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = read.next().await {
        let Message::Text(text) = msg else { continue };
        let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else {
            continue;
        };
        if frame.e != "publish" {
            continue;
        }
        let out: Utf8Bytes = serde_json::json!({ "e": frame.d.event, "d": frame.d.data })
            .to_string()
            .into();
        let map = rooms.0.read().unwrap_or_else(|e| e.into_inner());
        let mut sent = HashSet::new();
        for room in &frame.d.to {
            for (member, tx) in map.get(room).into_iter().flatten() {
                if sent.insert(*member) {
                    let _ = tx.send(out.clone());
                }
            }
        }
    }
    writer.abort();
    let mut map = rooms.0.write().unwrap_or_else(|e| e.into_inner());
    for room in &joined {
        if let Some(members) = map.get_mut(room) {
            members.remove(&id);
            if members.is_empty() {
                map.remove(room);
            }
        }
    }
}
