#!/usr/bin/env bash
# The connect-app example (examples/connect-app) as a user has it: pins from its lock file
# (playwright-core), then vendo-connect from the packed tarball of pkg/ (`npm pack`, never a
# link), not saved: its package.json and lock never name it. Idempotent: npm ci only when the
# lock changed, and the tarball reinstalled only when pkg/ changed.
#
#   bash scripts/build-connect-app.sh        then: node --test examples/connect-app/test/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf 'connect-app: %s\n' "$*"; }
die() { printf 'connect-app: %s\n' "$*" >&2; exit 1; }
npm_quiet=(--no-audit --no-fund --loglevel=error --prefer-offline)
app=examples/connect-app

for f in package.json index.js testing.js testing.d.ts vendo_connect_bg.wasm; do
  [ -s "pkg/$f" ] || die "pkg/$f is missing (make pkg)"
done
out=target/connect-app
mkdir -p "$out"
rm -f "$out"/vendo-connect-*.tgz
tarball_name=$(cd pkg && npm pack --pack-destination "$root/$out" --loglevel=error | tail -n 1)
tarball="$root/$out/$tarball_name"
[ -f "$tarball" ] || die "npm pack did not write $tarball"

cd "$app"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the pinned packages (npm ci)"
  npm ci "${npm_quiet[@]}"
fi
installed=node_modules/vendo-connect
if [ -L "$installed" ] || ! cmp -s "$installed/index.js" "$root/pkg/index.js" || ! cmp -s "$installed/testing.js" "$root/pkg/testing.js" \
  || ! cmp -s "$installed/vendo_connect_bg.wasm" "$root/pkg/vendo_connect_bg.wasm" || ! cmp -s "$installed/package.json" "$root/pkg/package.json"; then
  rm -rf "$installed"
  npm install --no-save "${npm_quiet[@]}" "$tarball"
fi
[ ! -L "$installed" ] || die "$installed is a link, not an install"
cmp -s "$installed/index.js" "$root/pkg/index.js" && cmp -s "$installed/testing.js" "$root/pkg/testing.js" \
  || die "$installed is not the tarball just packed"
say "installed $tarball_name into $app/node_modules"
