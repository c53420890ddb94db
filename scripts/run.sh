#!/usr/bin/env bash
# One command: install what is missing, build, and serve Mealstream on the
# embedded default (SQLite under ./data, memory sessions, demo data) at
# http://127.0.0.1:3000. Extra arguments go to `mealstream serve`.
# `scripts/run.sh --release` builds optimised binaries first.
source "$(dirname "$0")/common.sh"

BUILD_FLAG=()
if [ "${1:-}" = "--release" ]; then BUILD_FLAG=(--release); shift; fi
bash scripts/setup.sh
bash scripts/build.sh "${BUILD_FLAG[@]}"

BIN="$CARGO_TARGET_DIR/debug/mealstream"
[ "${#BUILD_FLAG[@]}" -gt 0 ] && BIN="$CARGO_TARGET_DIR/release/mealstream"
step "mealstream serve (Ctrl-C to stop)"
export MEALSTREAM_SITE_ROOT="$SITE_ROOT"
exec "$BIN" serve "$@"
