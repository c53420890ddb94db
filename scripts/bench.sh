#!/usr/bin/env bash
# The benchmarks, reproducible from one command:
#   scripts/bench.sh            every load-test scenario against Mealstream,
#                               the Node Socket.IO peer and the raw floor
#   scripts/bench.sh --scenario fanout --rates 500,1000   (any loadtest flag)
#   scripts/bench.sh --postgres postgres://postgres@127.0.0.1:5432/postgres \
#                    --redis redis://127.0.0.1:6379      (scale mode; with
#                    --peers its fanout adds the Node Express + pg peer, and
#                    --nodes 2 adds Mealstream on two nodes)
# Results: bench/results/<scenario>.json, <scenario>.md, summary.md, *.svg.
# The hot paths (criterion): cargo bench -p server --features app/ssr
source "$(dirname "$0")/common.sh"

step "release build"
cargo build --release -p server --features app/ssr

step "Node Socket.IO peer (npm ci)"
(cd bench/peers/socketio-node && npm ci --no-audit --no-fund)
step "Node Express + pg peer (npm ci)"
(cd bench/peers/express-pg && npm ci --no-audit --no-fund)

# 10,000 sockets on each side of loopback need as many descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

step "mealstream loadtest"
ARGS=("$@")
[ "${#ARGS[@]}" -eq 0 ] && ARGS=(--scenario all --peers)
exec "$CARGO_TARGET_DIR/release/mealstream" loadtest "${ARGS[@]}"
