#!/usr/bin/env bash
# The Vitest browser mode example (examples/vitest-browser) as a user has it: pins from its lock
# file (vitest, @vitest/browser-playwright, playwright), then vendo-connect from the packed
# tarball of pkg/ (`npm pack`, never a link), not saved: its package.json and lock never name
# it. Idempotent: npm ci only when the lock changed, and the tarball reinstalled only when pkg/
# changed. Vitest launches Debian's Chromium (vitest.config.js); nothing is downloaded for it.
#
#   bash scripts/build-vitest-browser.sh     then: cd examples/vitest-browser && npx vitest run
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf 'vitest-browser: %s\n' "$*"; }
die() { printf 'vitest-browser: %s\n' "$*" >&2; exit 1; }
npm_quiet=(--no-audit --no-fund --loglevel=error --prefer-offline)
app=examples/vitest-browser
shipped=(index.js testing-page.js vendo_connect_bg.wasm package.json)

for f in "${shipped[@]}" testing-page.d.ts; do
  [ -s "pkg/$f" ] || die "pkg/$f is missing (make pkg)"
done
out=target/vitest-browser
mkdir -p "$out"
rm -f "$out"/vendo-connect-*.tgz
tarball_name=$(cd pkg && npm pack --pack-destination "$root/$out" --loglevel=error | tail -n 1)
tarball="$root/$out/$tarball_name"
[ -f "$tarball" ] || die "npm pack did not write $tarball"

cd "$app"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the pinned packages (npm ci)"
  # --prefer-offline trusts cached package metadata, which may predate a version the lock pins
  # (the lock has no resolved URLs where npm's omit-lockfile-registry-resolved is set): then
  # the registry is asked.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci "${npm_quiet[@]}" \
    || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
installed=node_modules/vendo-connect
same() { for f in "${shipped[@]}"; do cmp -s "$installed/$f" "$root/pkg/$f" || return 1; done; }
if [ -L "$installed" ] || ! same; then
  rm -rf "$installed"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save "${npm_quiet[@]}" "$tarball"
fi
[ ! -L "$installed" ] || die "$installed is a link, not an install"
same || die "$installed is not the tarball just packed"
say "installed $tarball_name into $app/node_modules"
