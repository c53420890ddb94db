#!/usr/bin/env bash
# Builds the site (wasm + JS + CSS + assets into target/site) and the
# `mealstream` binary. `--release` for an optimised build (wasm-opt too);
# `--site-only` skips the binary (the test run builds it with the tests).
source "$(dirname "$0")/common.sh"

PROFILE=dev
SITE_ONLY=false
for arg in "$@"; do
    case "$arg" in
        --release) PROFILE=release ;;
        --site-only) SITE_ONLY=true ;;
        *) echo "usage: scripts/build.sh [--release] [--site-only]" >&2; exit 2 ;;
    esac
done

if [ "$PROFILE" = release ]; then
    WASM_PROFILE=wasm-release; WASM_DIR=wasm-release; SERVER_FLAGS=(--release)
else
    WASM_PROFILE=dev; WASM_DIR=debug; SERVER_FLAGS=()
fi

step "wasm: cargo build -p frontend --target wasm32-unknown-unknown ($WASM_PROFILE)"
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$WASM_PROFILE"

step "wasm-bindgen -> target/site/pkg"
mkdir -p "$SITE_ROOT/pkg" "$SITE_ROOT/vendor"
wasm-bindgen --target web --no-typescript --out-dir "$SITE_ROOT/pkg" --out-name mealstream \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$WASM_DIR/frontend.wasm"
if [ "$PROFILE" = release ]; then
    step "wasm-opt -Oz"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        -o "$SITE_ROOT/pkg/mealstream_bg.wasm" "$SITE_ROOT/pkg/mealstream_bg.wasm"
fi

step "static assets"
# style/main.css lists its parts with @import, in cascade order: joined here
# into one file so the page makes one request.
sed -n 's/^@import "\(.*\)";$/style\/\1/p' style/main.css | xargs cat > "$SITE_ROOT/main.css"
cp -R public/. "$SITE_ROOT/"
cp node_modules/socket.io-client/dist/socket.io.min.js "$SITE_ROOT/vendor/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$SITE_ROOT/vendor/"
mkdir -p "$SITE_ROOT/vendor/images"
cp node_modules/leaflet/dist/images/* "$SITE_ROOT/vendor/images/"

$SITE_ONLY && exit 0
step "server: cargo build -p server ($PROFILE)"
cargo build -p server --bin mealstream "${SERVER_FLAGS[@]}"
