#!/usr/bin/env bash
# Builds the React test app (tests/react) into tests/react/dist for tests/e2e/react.test.mjs:
#   1. its pinned dependencies (react, react-dom, esbuild, @types/react) from its lock file;
#   2. vendo-connect from the tarball `npm pack ./pkg` makes, installed as a user would
#      (never a link; reinstalled only when the tarball changed);
#   3. an esbuild bundle in React's development build, so <StrictMode> double-runs effects,
#      next to the package's wasm and index.html.
# Idempotent. Needs the built package (`make pkg`). VENDO_CONNECT_PKG=<dir> packs another
# built package directory instead of pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

app=tests/react
pkg=${VENDO_CONNECT_PKG:-pkg}
fail() { echo "build-react: $*" >&2; exit 1; }
npm_quiet=(--no-audit --no-fund --loglevel=error --prefer-offline)

# Nothing from an earlier run survives a failure: the test then says the app is not built.
rm -rf "$app/dist" "$app/.pack"

files=(package.json index.js index.d.ts react.js react.d.ts vendo_connect_bg.wasm)
for f in "${files[@]}"; do
  [ -f "$pkg/$f" ] || fail "$pkg/$f is missing: build the package first (make pkg)"
done
pkg=$(cd "$pkg" && pwd)

# 1. The app's own dependencies, exactly as locked (again only when the lock changed).
if [ ! -f "$app/node_modules/.package-lock.json" ] || [ "$app/package-lock.json" -nt "$app/node_modules/.package-lock.json" ]; then
  (cd "$app" && npm ci "${npm_quiet[@]}")
fi

# 2. The package as published: packed, then installed from the tarball, not saved (the app's
# package.json and lock file never name it: its integrity changes with every build).
# Reinstalled only when the tarball changed (npm pack's tarballs are reproducible).
mkdir -p "$app/.pack"
tarball=$(npm pack "$pkg" --pack-destination "$app/.pack" --json --loglevel=error \
  | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].filename));')
[ -f "$app/.pack/$tarball" ] || fail "npm pack did not write $app/.pack/$tarball"
sum=$(sha256sum "$app/.pack/$tarball" | cut -d' ' -f1)
marker="$app/node_modules/.vendo-connect.sha256"
if [ ! -d "$app/node_modules/vendo-connect" ] || [ "$(cat "$marker" 2>/dev/null)" != "$sum" ]; then
  rm -f "$marker"
  (cd "$app" && npm install --no-save "${npm_quiet[@]}" "./.pack/$tarball")
  echo "$sum" > "$marker"
fi
[ ! -L "$app/node_modules/vendo-connect" ] || fail "$app/node_modules/vendo-connect is a link, not an install"
for f in "${files[@]:1}"; do
  cmp -s "$app/node_modules/vendo-connect/$f" "$pkg/$f" \
    || fail "node_modules/vendo-connect/$f differs from $pkg/$f (was the package rebuilt meanwhile? run this again)"
done

# 3. The bundle, in React's development build: <StrictMode> runs effects twice only there.
mkdir -p "$app/dist"
"$app/node_modules/.bin/esbuild" "$app/src/main.tsx" --bundle --format=esm --jsx=automatic \
  --define:process.env.NODE_ENV='"development"' --log-level=warning --outfile="$app/dist/app.js"
# The package finds its wasm next to the module that loads it: here, app.js.
cp "$app/public/index.html" "$app/node_modules/vendo-connect/vendo_connect_bg.wasm" "$app/dist/"
echo "build-react: built $app/dist ($(cd "$app/dist" && ls | tr '\n' ' ')) with $tarball"
