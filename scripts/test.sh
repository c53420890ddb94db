#!/usr/bin/env bash
# Runs every test: the lint gate (scripts/lint.sh), Rust unit and
# integration tests (SQLite, PostgreSQL, Redis, two nodes), the end-to-end
# tests in Chromium and the API fuzzing. Installs and starts what they need
# first (Chromium, the Node peers, PostgreSQL and Redis via
# scripts/services.sh), idempotently. TEST_DATABASE_URL and TEST_REDIS_URL
# are set here, so no test is skipped.
source "$(dirname "$0")/common.sh"

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"

bash scripts/setup.sh

if [ ! -x /usr/bin/chromium ]; then
    step "apt-get install chromium"
    apt-get update -qq && apt-get install -y -qq chromium
fi
if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package.json -nt end2end/node_modules/.package-lock.json ]; then
    step "npm install (end2end)"
    (cd end2end && npm install --no-audit --no-fund)
fi

if [ ! -d bench/peers/socketio-node/node_modules/socket.io ] || [ bench/peers/socketio-node/package-lock.json -nt bench/peers/socketio-node/node_modules/.package-lock.json ]; then
    step "npm ci (the load test's Node Socket.IO peer)"
    (cd bench/peers/socketio-node && npm ci --no-audit --no-fund)
fi
if [ ! -d bench/peers/express-pg/node_modules/@socket.io/redis-adapter ] || [ bench/peers/express-pg/package-lock.json -nt bench/peers/express-pg/node_modules/.package-lock.json ]; then
    step "npm ci (the load test's Node Express + pg peer)"
    (cd bench/peers/express-pg && npm ci --no-audit --no-fund)
fi

bash scripts/services.sh

bash scripts/build.sh --site-only

# `cargo test -p server` also builds the `mealstream` binary the browser
# tests run, with the same dependency features: one server build, not two.
bash scripts/lint.sh

step "cargo test (unit + integration)"
cargo test -p server -p app -p model -p mealstream-core -p loadtest --features app/ssr

step "end-to-end tests in Chromium"
E2E_DIR="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The specs share two demo customers and order faster than people do; the
# per-minute limit itself is tested in server/tests/api/abuse.rs.
MEALSTREAM_ADDR="127.0.0.1:$PORT" DATABASE_URL="sqlite://$E2E_DIR/e2e.db" MEALSTREAM_SITE_ROOT="$SITE_ROOT" \
    MEALSTREAM_ORDERS_PER_MINUTE=60 \
    "$CARGO_TARGET_DIR/debug/mealstream" serve --demo >"$E2E_DIR/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$E2E_DIR"' EXIT
for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    if ! kill -0 $SERVER_PID 2>/dev/null; then cat "$E2E_DIR/server.log"; exit 1; fi
    sleep 0.5
done
if ! (cd end2end && BASE_URL="http://127.0.0.1:$PORT" npx playwright test); then
    echo "--- server log (last 50 lines) ---"; tail -n 50 "$E2E_DIR/server.log"
    exit 1
fi

bash scripts/fuzz-api.sh
