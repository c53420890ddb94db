//! Socket.IO: the layer, the namespace, and its handlers. Handlers check
//! who the socket is (set at connect) and call services; they never emit
//! to rooms themselves (`app::realtime::emit` does).

mod connect;

use app::service::Ctx;
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;

/// Largest payload a client may send, in bytes.
pub const MAX_PAYLOAD: u64 = 64 * 1024;

pub fn layer(ctx: &Ctx) -> SocketIoLayer {
    let (layer, io) = SocketIo::builder()
        .with_state(ctx.clone())
        .max_payload(MAX_PAYLOAD)
        .build_layer();
    io.ns("/", connect::on_connect.with(connect::authenticate));
    ctx.emitter.attach(io);
    layer
}
