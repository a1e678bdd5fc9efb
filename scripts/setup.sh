#!/usr/bin/env bash
# Installs what a make target needs, idempotently and only from the package registries:
#
#   bash scripts/setup.sh demo   `make demo` / `make pkg`: the wasm32 target and the standard
#                                library's source (the npm build compiles std itself, see
#                                build-pkg.sh), wasm-bindgen-cli at exactly Cargo.lock's
#                                wasm-bindgen version, and the npm lock file's packages
#                                (binaryen's wasm-opt, esbuild, oidc-provider for the demo's
#                                OAuth server, playwright-core, typescript)
#   bash scripts/setup.sh size   `make size`: twiggy, for the wasm's breakdown
#   bash scripts/setup.sh test   `make test` (the default): all of the above, wasm-pack, and
#                                Debian's chromium + chromium-driver
#
# A second run does nothing. `make demo` compiles one tool (wasm-bindgen-cli), not three,
# and installs no browser (README.md#time-to-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}
case "$what" in demo | size | test) ;; *) echo "setup: usage: setup.sh [demo|size|test]" >&2; exit 2 ;; esac
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"

WASM_PACK_VERSION=0.15.1
TWIGGY_VERSION=0.8.0
say() { printf 'setup: %s\n' "$*"; }

# `--locked` is tried first; some of the tools' locked dependencies are no longer on the
# registry, and then cargo resolves them afresh (the tool itself stays pinned).
cargo_install() {
  local crate=$1 version=$2
  say "installing $crate $version"
  cargo install --quiet "$crate" --version "$version" --locked 2>/dev/null \
    || cargo install --quiet "$crate" --version "$version"
}
# `tool crate version`: installs the crate unless its binary answers with that version.
tool() {
  local bin=$1 crate=$2 version=$3
  [ "$("$bin" --version 2>/dev/null | awk '{print $2}')" = "$version" ] || cargo_install "$crate" "$version"
}

demo() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || { say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }
  rustup component list --installed 2>/dev/null | grep -qx rust-src \
    || { say "adding the rust-src component"; rustup component add rust-src; }
  [ -f Cargo.lock ] || cargo generate-lockfile
  local bindgen_version
  bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ -n "$bindgen_version" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
  tool wasm-bindgen wasm-bindgen-cli "$bindgen_version"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# `make size`'s breakdown of the wasm by crate and module.
size() { tool twiggy twiggy "$TWIGGY_VERSION"; }

test_tools() {
  tool wasm-pack wasm-pack "$WASM_PACK_VERSION"
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      say "installing Debian's chromium and chromium-driver"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
      echo "setup: please install Debian's 'chromium' and 'chromium-driver' packages (sudo apt-get install chromium chromium-driver)" >&2
      exit 1
    fi
  fi
}

case "$what" in
  demo) demo ;;
  size) size ;;
  # `make test` builds the demo's package, runs the browsers and ends with the size report.
  test) demo; test_tools; size ;;
esac
