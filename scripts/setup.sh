#!/usr/bin/env bash
# Installs what the build needs, skipping whatever is already there at the
# right version: the wasm32 target, the wasm-bindgen CLI matching
# Cargo.lock, wasm-opt (binaryen 132, for release builds) and the npm
# packages. Safe to run again and again.
source "$(dirname "$0")/common.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

WB_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
    step "cargo install wasm-bindgen-cli $WB_VERSION (about 3 minutes, once)"
    cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# Debian's binaryen (108) makes a wasm that fails to hydrate: use npm's 132.
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
    step "npm install -g binaryen@132 (wasm-opt)"
    npm install -g --no-audit --no-fund binaryen@132
fi

if [ ! -d node_modules/socket.io-client ] || [ package.json -nt node_modules/.package-lock.json ]; then
    step "npm install (browser libraries)"
    npm install --no-audit --no-fund
fi
