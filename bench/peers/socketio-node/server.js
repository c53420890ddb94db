// The Node.js peer of `mealstream loadtest --peers`: a minimal Socket.IO 4.x
// server doing the same room fan-out and location relay as Mealstream, with
// no database, no sessions and no checks beyond payload shape. It is what
// the field notes' stacks do at best, and what Mealstream is measured against.
//
// A socket joins the rooms named in its handshake `auth.rooms`; a `publish`
// event `{to: [rooms], event, data}` emits `event` with `data` once to every
// socket in those rooms. Connection-state recovery is on, so a socket that
// returns within two minutes gets the broadcasts it missed (the reconnect
// scenario). GET /healthz answers 200.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3200);

const httpServer = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  connectionStateRecovery: {
    maxDisconnectionDuration: 2 * 60 * 1000,
    skipMiddlewares: true,
  },
});

const isRoomList = (v) =>
  Array.isArray(v) && v.length <= 32 && v.every((r) => typeof r === "string" && r.length <= 64);

io.on("connection", (socket) => {
  if (!socket.recovered) {
    const rooms = socket.handshake.auth && socket.handshake.auth.rooms;
    if (isRoomList(rooms)) socket.join(rooms);
  }
  socket.on("publish", (msg, ack) => {
    const ok = msg && isRoomList(msg.to) && typeof msg.event === "string";
    if (ok) io.to(msg.to).emit(msg.event, msg.data);
    if (typeof ack === "function") {
      ack(ok ? { ok: true } : { ok: false, error: { code: "invalid", message: "publish needs {to, event, data}" } });
    }
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`socket.io peer listening on 127.0.0.1:${port}`);
});

process.on("SIGTERM", () => {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
});
