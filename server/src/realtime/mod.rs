//! Socket.IO: the layer, the namespace, and its handlers. Handlers check
//! who the socket is (set at connect) and call services; they never emit
//! to rooms themselves (`app::realtime::emit` does).

mod connect;
mod driver;
mod orders;

use app::service::Ctx;
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;

/// Largest Engine.IO packet a client may send, in bytes; beyond it the
/// transport closes the connection.
pub const MAX_PAYLOAD: u64 = 64 * 1024;
/// Largest event payload a handler reads: beyond it an error ack, and the
/// socket stays connected.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;

fn check_size(value: &serde_json::Value) -> Result<(), app::error::AppError> {
    let size = serde_json::to_string(value)
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > MAX_EVENT_BYTES {
        return Err(app::error::AppError::TooLarge(format!(
            "event payload over {} KiB",
            MAX_EVENT_BYTES / 1024
        )));
    }
    Ok(())
}

pub fn layer(ctx: &Ctx) -> SocketIoLayer {
    let (layer, io) = SocketIo::builder()
        .with_state(ctx.clone())
        .max_payload(MAX_PAYLOAD)
        .build_layer();
    io.ns("/", connect::on_connect.with(connect::authenticate));
    ctx.emitter.attach(io);
    layer
}
