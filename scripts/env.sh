# Sourced by the other scripts: the tools on PATH, and wasm-pack told where everything is
# so that it downloads nothing.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
