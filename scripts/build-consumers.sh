#!/usr/bin/env bash
# The package as users consume it: packs pkg/ with `npm pack`, installs that tarball into
# tests/consumers/ (never a link to pkg/), and builds one app per common setup into its
# dist/ folder: Vite 7, Vite 8, webpack 5, esbuild, Rollup, a plain page with an import map,
# and TypeScript 5. tests/e2e/consumers.test.mjs then clicks through every one (and through
# Vite 7 and Vite 8 dev servers). Prints what it built and the gzipped size the package adds
# to the Vite 8 production build. Idempotent; after a first run it needs only the npm cache.
#
# Where a setup needs a line for vendo-connect, the app uses exactly the line the README
# gives: below ("README line"), in vite7/vite.config.js and in importmap/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$SECONDS
say() { printf 'consumers: %s\n' "$*"; }
die() { printf 'consumers: %s\n' "$*" >&2; exit 1; }
npm_quiet=(--no-audit --no-fund --loglevel=error --prefer-offline)

# Nothing from an earlier run survives a failure: no app, no installed package.
rm -rf tests/consumers/node_modules/vendo-connect tests/consumers/*/dist tests/consumers/vite8/baseline/dist \
  tests/consumers/typescript/build

# 1. A snapshot of pkg/ (it may be rebuilt meanwhile: copy it, and retry while it changes).
[ -f pkg/package.json ] || die "pkg/ is not built (make pkg)"
out=target/consumers
mkdir -p "$out"
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
for attempt in 1 2 3 4 5; do
  rm -rf "$snap/pkg"
  cp -r pkg "$snap/pkg"
  complete=true
  for f in package.json index.js index.d.ts vendo_connect_bg.wasm; do [ -s "$snap/pkg/$f" ] || complete=false; done
  if $complete && diff -rq pkg "$snap/pkg" >/dev/null 2>&1; then break; fi
  [ "$attempt" -lt 5 ] || die "pkg/ kept changing or is incomplete; run it again after make pkg"
  sleep 2
done
rm -f "$out"/vendo-connect-*.tgz
tarball_name=$(cd "$snap/pkg" && npm pack --pack-destination "$root/$out" --loglevel=error | tail -n 1)
tarball="$root/$out/$tarball_name"
[ -f "$tarball" ] || die "npm pack did not write $tarball"
say "packed $out/$tarball_name ($(wc -c < "$tarball") bytes)"

# 2. The pinned bundlers from the lock file (again only when the lock changed), then the
#    tarball, without saving it: package.json and the lock never name it.
cd tests/consumers
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the pinned bundlers (npm ci)"
  npm ci "${npm_quiet[@]}"
fi
npm install --no-save "${npm_quiet[@]}" "$tarball"
cmp -s node_modules/vendo-connect/index.js "$snap/pkg/index.js" \
  && cmp -s node_modules/vendo-connect/vendo_connect_bg.wasm "$snap/pkg/vendo_connect_bg.wasm" \
  || die "node_modules/vendo-connect is not the tarball just packed"
[ ! -L node_modules/vendo-connect ] || die "node_modules/vendo-connect is a link, not an install"
say "installed $tarball_name into tests/consumers/node_modules"

bin=node_modules/.bin
vite7() { node node_modules/vite7/bin/vite.js "$@"; }
vite8() { node node_modules/vite8/bin/vite.js "$@"; }
wasm=node_modules/vendo-connect/vendo_connect_bg.wasm
listing() { # what a dist/ folder holds, with sizes
  (cd "$1" && find . -type f ! -name '*.map' ! -path './node_modules/*/README.md' -printf '%P %s\n' | sort \
    | awk '{ printf "%s%s (%d B)", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }')
}
built() { say "built $1: $2/ = $(listing "$2")"; }

# 3. The apps. Vite 7: the production build needs nothing (the dev server's one line is in
#    vite7/vite.config.js and the e2e test starts that server from it).
vite7 build vite7 --logLevel warn
built "Vite 7 (production build)" vite7/dist

# Vite 8: nothing. The same app without the package, to measure what the package adds.
vite8 build vite8 --logLevel warn
vite8 build vite8/baseline --logLevel warn
built "Vite 8" vite8/dist
built "Vite 8 baseline (no package)" vite8/baseline/dist

# webpack 5: nothing (webpack/webpack.config.js is the app's own entry and output).
node node_modules/webpack-cli/bin/cli.js --config webpack/webpack.config.js --no-stats
cp webpack/index.html webpack/dist/
built "webpack 5" webpack/dist

# esbuild: ES module output (its default iife has no import.meta.url), and the wasm copied
# next to the bundle: esbuild does not emit `new URL(..., import.meta.url)` assets.
$bin/esbuild esbuild/main.js --bundle --format=esm --minify --outdir=esbuild/dist --log-level=warning
cp "$wasm" esbuild/dist/   # README line (esbuild): copy the wasm next to the bundle
cp esbuild/index.html esbuild/dist/
built "esbuild" esbuild/dist

# Rollup + @rollup/plugin-node-resolve: Rollup does not emit the wasm either.
$bin/rollup -c rollup/rollup.config.mjs --silent
cp "$wasm" rollup/dist/    # README line (Rollup): copy the wasm next to the bundle
cp rollup/index.html rollup/dist/
built "Rollup" rollup/dist

# A plain page, no bundler: the import map in importmap/index.html maps 'vendo-connect' to
# the installed package's index.js, served as it is from node_modules.
mkdir -p importmap/dist/node_modules
cp importmap/index.html importmap/main.js importmap/dist/
cp -r node_modules/vendo-connect importmap/dist/node_modules/
built "import map (no bundler)" importmap/dist

# TypeScript 5, strict: with the tsc --init defaults (typescript/tsconfig.json), emitting
# ES modules that esbuild bundles; and with no tsconfig at all (`tsc --strict`: ES5,
# CommonJS, node10 resolution through the package's "types"), type-check only.
$bin/tsc -p typescript
$bin/tsc --strict --noEmit typescript/src/main.ts
$bin/esbuild typescript/build/main.js --bundle --format=esm --minify --outdir=typescript/dist --log-level=warning
cp "$wasm" typescript/dist/
cp typescript/index.html typescript/dist/
built "TypeScript 5 (tsc --strict, then esbuild)" typescript/dist

# 4. What the package adds to the Vite 8 production build: gzip -9 of the JS and wasm
#    assets, with and without it.
gz() { local n=0 f; for f in "$@"; do [ -f "$f" ] && n=$((n + $(gzip -9 -c "$f" | wc -c))); done; echo "$n"; }
shopt -s nullglob
app_js=$(gz vite8/dist/assets/*.js); app_wasm=$(gz vite8/dist/assets/*.wasm)
base_js=$(gz vite8/baseline/dist/assets/*.js)
added=$((app_js + app_wasm - base_js))
say "Vite 8 production build: JS $base_js → $app_js B and wasm 0 → $app_wasm B gzipped: the package adds $added B ($(awk -v b="$added" 'BEGIN { printf "%.1f", b / 1000 }') kB) gzipped"
say "done in $((SECONDS - start)) s"
