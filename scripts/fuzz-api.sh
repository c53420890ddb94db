#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis (PyPI) against fresh servers built
# by `cargo test -p server` / `scripts/build.sh`: every operation of
# /api/openapi.json, signed in as each role in turn, must answer without a
# 5xx and with a body that fits the documented schema.
source "$(dirname "$0")/common.sh"

SCHEMATHESIS_VERSION=4.32.5
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/mealstream-venv"
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null | awk '{print $3}')" != "$SCHEMATHESIS_VERSION" ]; then
    step "pip install schemathesis==$SCHEMATHESIS_VERSION"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

# One pass per backend: SQLite, the default, and PostgreSQL, whose types
# and refusals differ (it cannot store a NUL in text, say).
fuzz() {
    local label="$1" database_url="$2"
    step "API fuzzing with schemathesis ($label)"
    DIR="$(mktemp -d)"
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    BASE="http://127.0.0.1:$PORT"
    # No order limit: the fuzzer checks out far more often than a customer can.
    RUST_LOG=warn MEALSTREAM_ORDERS_PER_MINUTE=0 MEALSTREAM_ADDR="127.0.0.1:$PORT" DATABASE_URL="${database_url//@DIR@/$DIR}" MEALSTREAM_SITE_ROOT="$SITE_ROOT" \
        "$CARGO_TARGET_DIR/debug/mealstream" serve --demo >"$DIR/server.log" 2>&1 &
    SERVER_PID=$!
    trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
    for _ in $(seq 1 60); do
        curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
        sleep 0.5
    done

    # Everyone signs in first: fuzzing the login endpoint soon rate-limits
    # this address. Admin runs last: it may suspend the others.
    ROLES=(customer restaurant driver admin)
    for email in "${ROLES[@]}"; do
        curl -fs -c "$DIR/$email.cookies" -H 'content-type: application/json' \
            -d "{\"email\":\"$email@mealstream.test\",\"password\":\"mealstream\"}" "$BASE/api/auth/login" >/dev/null
    done
    for email in "${ROLES[@]}"; do
        jar="$DIR/$email.cookies"
        cookie="$(awk '$6 == "mealstream.sid" {print $6 "=" $7}' "$jar")"
        echo "--- as $email@mealstream.test ($label)"
        # The stream never ends and logout would end the session mid-run.
        # From the temp dir: schemathesis keeps a cache in its working directory.
        if ! (cd "$DIR" && "$VENV/bin/schemathesis" run "$BASE/api/openapi.json" -H "Cookie: $cookie" \
            --checks not_a_server_error,response_schema_conformance \
            --exclude-path /api/events/stream --exclude-path /api/auth/logout \
            --max-examples 30 --seed 1 --no-color); then
            echo "--- server log (errors) ---"; grep -E "ERROR|panicked" "$DIR/server.log" | tail -n 30 || true
            exit 1
        fi
    done
    kill $SERVER_PID 2>/dev/null || true
    wait $SERVER_PID 2>/dev/null || true
    rm -rf "$DIR"
    trap - EXIT
}

fuzz SQLite "sqlite://@DIR@/fuzz.db"

# A database of its own, made afresh each run (TEST_DATABASE_URL names the
# server; scripts/test.sh sets it).
PG_SERVER="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="mealstream_fuzz"
psql "$PG_SERVER" -q -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
fuzz PostgreSQL "${PG_SERVER%/*}/$PG_DB"
