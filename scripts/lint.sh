#!/usr/bin/env bash
# The gates `make test` runs first: rustfmt, clippy with warnings denied for the native and
# the wasm32 targets (both crates, every feature), and Biome over the JavaScript and TypeScript (lint and
# format; biome.json). Prints "lint: N passed, M failed", one per gate.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

pass=0; fail=0
gate() {
  local name=$1; shift
  echo "--- $name: $*"
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "--- $name FAILED"; fi
}
gate rustfmt cargo fmt --all --check
gate clippy-native cargo clippy --quiet --workspace --all-targets --features serde -- -D warnings
gate clippy-wasm32 cargo clippy --quiet --workspace --all-targets --target wasm32-unknown-unknown --features serde,testing -- -D warnings
gate biome biome ci --error-on-warnings .
echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
