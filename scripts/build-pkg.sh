#!/usr/bin/env bash
# `make pkg`: the npm package in pkg/ — release wasm, wasm-bindgen's --target web glue,
# wasm-opt -Oz, and pkg-template/ (entry point, types, package.json, README) on top.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

cargo build --quiet --release --target wasm32-unknown-unknown --lib
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name vendo_connect \
  target/wasm32-unknown-unknown/release/vendo_connect.wasm
wasm-opt -Oz --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-multivalue --enable-reference-types --strip-debug --strip-producers \
  pkg/vendo_connect_bg.wasm -o pkg/vendo_connect_bg.wasm
# Users get the hand-written index.d.ts; the generated declarations describe raw exports.
rm -f pkg/package.json pkg/.gitignore pkg/vendo_connect.d.ts pkg/vendo_connect_bg.wasm.d.ts

cp pkg-template/package.json pkg-template/README.md pkg-template/index.d.ts pkg/
snippet=$(cd pkg && find snippets -name connect-error.js | head -n 1)
[ -n "$snippet" ] || { echo "build-pkg: the ConnectError snippet is missing" >&2; exit 1; }
sed "s#__CONNECT_ERROR__#./$snippet#" pkg-template/index.js > pkg/index.js
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
sed -i "s#__VERSION__#$version#" pkg/package.json

# The tarball holds exactly what a user needs.
files=$(cd pkg && npm pack --dry-run --json --loglevel=error | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    for (const f of JSON.parse(s)[0].files) console.log(f.path);
  });')
unexpected=$(printf '%s\n' "$files" | grep -Ev '^(package\.json|README\.md|index\.js|index\.d\.ts|vendo_connect\.js|vendo_connect_bg\.wasm|snippets/.*/connect-error\.js)$' || true)
[ -z "$unexpected" ] || { echo "build-pkg: unexpected files in the tarball: $unexpected" >&2; exit 1; }
echo "pkg: built $(printf '%s\n' "$files" | wc -l) files into pkg/"
