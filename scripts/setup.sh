#!/usr/bin/env bash
# Installs what `make demo` / `make test` need, idempotently and only from the package
# registries: the wasm32 target and the standard library's source (the npm build compiles
# std itself, see build-pkg.sh), wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen
# version, wasm-pack, Debian's chromium + chromium-driver, and the npm lock file's packages
# (binaryen's wasm-opt, playwright-core, oidc-provider, esbuild), and twiggy for `make size`.
# A second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

WASM_PACK_VERSION=0.15.1
TWIGGY_VERSION=0.8.0
say() { printf 'setup: %s\n' "$*"; }

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || { say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }
rustup component list --installed 2>/dev/null | grep -qx rust-src \
  || { say "adding the rust-src component"; rustup component add rust-src; }

[ -f Cargo.lock ] || cargo generate-lockfile
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$bindgen_version" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }

# `--locked` is tried first; some of the tools' locked dependencies are no longer on the
# registry, and then cargo resolves them afresh (the tool itself stays pinned).
cargo_install() {
  local crate=$1 version=$2
  say "installing $crate $version"
  cargo install --quiet "$crate" --version "$version" --locked 2>/dev/null \
    || cargo install --quiet "$crate" --version "$version"
}
[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$bindgen_version" ] \
  || cargo_install wasm-bindgen-cli "$bindgen_version"
[ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" = "$WASM_PACK_VERSION" ] \
  || cargo_install wasm-pack "$WASM_PACK_VERSION"
# `make size`'s breakdown of the wasm by crate and module.
[ "$(twiggy --version 2>/dev/null | awk '{print $2}')" = "$TWIGGY_VERSION" ] \
  || cargo_install twiggy "$TWIGGY_VERSION"

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

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi
