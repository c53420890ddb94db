#!/usr/bin/env bash
# The lint gate: formatting, and clippy with warnings as errors on the
# server side (every target: lib, binary, tests, benches) and on the wasm.
source "$(dirname "$0")/common.sh"

if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    step "rustup component add rustfmt clippy"
    rustup component add rustfmt clippy
fi

step "rustfmt --check"
cargo fmt --all --check

step "clippy (server side and wasm, warnings are errors)"
cargo clippy -p server -p app -p model -p mealstream-core -p loadtest --features app/ssr --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
