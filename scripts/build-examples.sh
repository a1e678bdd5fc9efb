#!/usr/bin/env bash
# Builds the Leptos example (examples/leptos) into examples/leptos/dist without trunk:
# release wasm (its own target dir, examples/leptos/target), wasm-bindgen --target web,
# wasm-opt -Oz when node_modules has it, then the static pages. Idempotent; a second run
# only relinks if something changed.
#
#   bash scripts/build-examples.sh          the app
#   bash scripts/build-examples.sh --size   also the same app with vendo-connect stubbed out
#                                           (--no-default-features), and what the crate adds
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

ex=examples/leptos
dist=$ex/dist
wasm=$ex/target/wasm32-unknown-unknown/release/vendo_connect_leptos.wasm
size=false
[ "${1:-}" = "--size" ] && size=true

lock_version() { awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$1"; }
fail() { echo "build-examples: $*" >&2; exit 1; }
gz() { gzip -9 -c "$1" | wc -c; }

command -v wasm-bindgen >/dev/null || fail "wasm-bindgen is not installed: run scripts/setup.sh (make setup)"
cli=$(wasm-bindgen --version | awk '{print $2}')
root=$(lock_version Cargo.lock)
[ "$cli" = "$root" ] || fail "wasm-bindgen CLI $cli differs from Cargo.lock's $root: run scripts/setup.sh"

# `bindgen <features…> <out dir>`: one release build, its glue, and wasm-opt.
bindgen() {
  local out=${*: -1}
  (cd "$ex" && cargo build --quiet --release --target wasm32-unknown-unknown "${@:1:$#-1}")
  local example
  example=$(lock_version "$ex/Cargo.lock")
  [ "$example" = "$root" ] || fail "$ex/Cargo.lock has wasm-bindgen $example, the root Cargo.lock $root"
  rm -rf "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
  if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-multivalue --enable-reference-types --strip-debug --strip-producers \
      "$out/vendo_connect_leptos_bg.wasm" -o "$out/vendo_connect_leptos_bg.wasm"
  else
    echo "build-examples: wasm-opt not found (npm ci installs it); the wasm is not optimized" >&2
  fi
}

report() {
  local label=$1 dir=$2
  printf '%-34s wasm %8d B raw %8d B gzip -9, JS glue %6d B gzip -9\n' "$label" \
    "$(wc -c < "$dir/vendo_connect_leptos_bg.wasm")" "$(gz "$dir/vendo_connect_leptos_bg.wasm")" \
    "$(gz "$dir/vendo_connect_leptos.js")"
}

if $size; then
  stub=$ex/target/dist-stub
  bindgen --no-default-features "$stub"
fi

bindgen "$dist"
cp "$ex"/public/* "$dist/"
echo "build-examples: built $dist ($(cd "$dist" && ls | tr '\n' ' '))"
report "Leptos app with vendo-connect" "$dist"

if $size; then
  report "Leptos app, vendo-connect stubbed" "$stub"
  with=$(gz "$dist/vendo_connect_leptos_bg.wasm"); without=$(gz "$stub/vendo_connect_leptos_bg.wasm")
  echo "build-examples: vendo-connect adds $((with - without)) B of gzipped wasm to this Leptos app"
fi
