// The same-work Node.js peer of `mealstream loadtest --peers` (with
// `--postgres` and `--redis`): what the field notes' stacks do on an order
// status change, built the way they build it. Express answers
// `POST /orders/:id/status` with one PostgreSQL transaction (update the
// order, add a history row and a notification for the customer), then
// emits `order:status_changed` through the Socket.IO Redis adapter to the
// order's, customer's, restaurant's and admins' rooms. Unlike Mealstream it
// keeps no event log: a socket that was away misses what it did not see.
//
// No sign-in, sessions or permission checks: it is a benchmark peer, never
// to be exposed. A socket joins the rooms named in its handshake
// `auth.rooms`, as in the relay peer. `POST /orders` `{customerId,
// restaurantId}` creates an order for the load test; GET /healthz answers
// 200 once the schema and Redis are ready. Environment: PORT, DATABASE_URL,
// REDIS_URL, and REDIS_PREFIX (the adapter's channel prefix, so runs that
// share a Redis do not hear each other).
"use strict";

const http = require("node:http");
const express = require("express");
const pg = require("pg");
const { createClient } = require("redis");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");

const port = Number(process.env.PORT || 3300);
const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const redisPrefix = process.env.REDIS_PREFIX || "socket.io";

// BIGINT ids arrive as strings by default (they may pass 2^53); ours never
// do, and the load test reads `orderId` as a JSON number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

// 16 connections: enough to keep two cores busy, few enough that
// PostgreSQL is not thrashing between backends.
const pool = new pg.Pool({ connectionString: databaseUrl, max: 16 });
pool.on("error", (e) => console.error("idle PostgreSQL client:", e.message));

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  id            BIGSERIAL PRIMARY KEY,
  customer_id   BIGINT NOT NULL,
  restaurant_id BIGINT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'placed',
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id, id);
CREATE INDEX IF NOT EXISTS orders_restaurant_status ON orders (restaurant_id, status);
CREATE TABLE IF NOT EXISTS order_history (
  id          BIGSERIAL PRIMARY KEY,
  order_id    BIGINT NOT NULL REFERENCES orders (id),
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS order_history_order ON order_history (order_id, id);
CREATE TABLE IF NOT EXISTS notifications (
  id         BIGSERIAL PRIMARY KEY,
  user_id    BIGINT NOT NULL,
  kind       TEXT NOT NULL,
  payload    JSONB NOT NULL,
  read_at    TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, id DESC);
`;

// The lifecycle of DESIGN.md ("Order lifecycle"): the statuses each status
// may be reached from. Who may make a change is not checked (no sessions).
const REACHED_FROM = {
  confirmed: ["placed"],
  rejected: ["placed"],
  preparing: ["confirmed"],
  ready: ["preparing"],
  out_for_delivery: ["ready"],
  delivered: ["out_for_delivery"],
  cancelled: ["placed", "confirmed", "preparing", "ready"],
};

const orderJson = (row) => ({
  id: row.id,
  customerId: row.customer_id,
  restaurantId: row.restaurant_id,
  status: row.status,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const fail = (res, status, code, message) => res.status(status).json({ error: { code, message } });

const isId = (v) => Number.isSafeInteger(v) && v >= 0;

const app = express();
app.use(express.json({ limit: "16kb" }));

app.get("/healthz", (_req, res) => res.type("text/plain").send("ok"));

app.post("/orders", async (req, res, next) => {
  const { customerId, restaurantId } = req.body || {};
  if (!isId(customerId) || !isId(restaurantId)) {
    return fail(res, 400, "invalid", "customerId and restaurantId must be non-negative integers");
  }
  try {
    const { rows } = await pool.query(
      "INSERT INTO orders (customer_id, restaurant_id) VALUES ($1, $2) RETURNING *",
      [customerId, restaurantId],
    );
    res.status(201).json(orderJson(rows[0]));
  } catch (e) {
    next(e);
  }
});

app.post("/orders/:id/status", async (req, res, next) => {
  const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : null;
  const to = req.body && req.body.status;
  if (id === null) return fail(res, 400, "invalid", "the order id must be a number");
  if (typeof to !== "string" || !REACHED_FROM[to]) {
    return fail(res, 400, "invalid", "status must be one of " + Object.keys(REACHED_FROM).join(", "));
  }
  let client;
  try {
    client = await pool.connect();
    await client.query("BEGIN");
    // The row lock is taken by the sub-select, so `from` is the status this
    // update replaced, even with concurrent changes to the same order.
    const updated = await client.query(
      `UPDATE orders o SET status = $2, version = o.version + 1, updated_at = now()
         FROM (SELECT id, status FROM orders WHERE id = $1 FOR UPDATE) prev
        WHERE o.id = $1 AND o.id = prev.id AND prev.status = ANY($3)
        RETURNING o.*, prev.status AS from_status`,
      [id, to, REACHED_FROM[to]],
    );
    if (updated.rowCount === 0) {
      const found = await client.query("SELECT status FROM orders WHERE id = $1", [id]);
      await client.query("ROLLBACK");
      return found.rowCount === 0
        ? fail(res, 404, "not_found", "order not found")
        : fail(res, 409, "conflict", `order is ${found.rows[0].status}, cannot become ${to}`);
    }
    const order = updated.rows[0];
    const from = order.from_status;
    await client.query("INSERT INTO order_history (order_id, from_status, to_status) VALUES ($1, $2, $3)", [
      id,
      from,
      to,
    ]);
    const event = { orderId: id, restaurantId: order.restaurant_id, from, to, version: order.version };
    await client.query("INSERT INTO notifications (user_id, kind, payload) VALUES ($1, $2, $3)", [
      order.customer_id,
      "order:status_changed",
      event,
    ]);
    await client.query("COMMIT");
    // After the commit, as the field notes' stacks do: a crash here loses
    // the push, and nothing replays it.
    io.to([`order:${id}`, `user:${order.customer_id}`, `restaurant:${order.restaurant_id}`, "role:admin"]).emit(
      "order:status_changed",
      event,
    );
    delete order.from_status;
    res.json(orderJson(order));
  } catch (e) {
    if (client) await client.query("ROLLBACK").catch(() => {});
    next(e);
  } finally {
    if (client) client.release();
  }
});

app.use((_req, res) => fail(res, 404, "not_found", "no such route"));

// Four arguments: Express's error handler. Malformed JSON is the client's
// fault (400); anything else is ours and stays in the log (500).
app.use((err, _req, res, _next) => {
  if (err.type === "entity.parse.failed") return fail(res, 400, "malformed", "the body is not valid JSON");
  if (err.type === "entity.too.large") return fail(res, 413, "too_large", "the body is too large");
  console.error(err);
  fail(res, 500, "internal", "something went wrong");
});

const httpServer = http.createServer(app);

const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
});

const isRoomList = (v) =>
  Array.isArray(v) && v.length <= 32 && v.every((r) => typeof r === "string" && r.length <= 64);

io.on("connection", (socket) => {
  const rooms = socket.handshake.auth && socket.handshake.auth.rooms;
  if (isRoomList(rooms)) socket.join(rooms);
});

const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
for (const c of [pub, sub]) c.on("error", (e) => console.error("Redis:", e.message));

async function main() {
  await pool.query(SCHEMA);
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: redisPrefix }));
  httpServer.listen(port, "127.0.0.1", () => {
    console.log(`express-pg peer listening on 127.0.0.1:${port}`);
  });
}

main().catch((e) => {
  console.error("express-pg peer cannot start:", e);
  process.exit(1);
});

process.on("SIGTERM", () => {
  setTimeout(() => process.exit(0), 5000).unref();
  // io.close() also closes the HTTP server; in-flight requests finish first.
  io.close(async () => {
    await Promise.allSettled([pool.end(), pub.quit(), sub.quit()]);
    process.exit(0);
  });
});
