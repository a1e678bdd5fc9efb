#!/usr/bin/env bash
# Time to demo on a bare machine, simulated (README.md#time-to-demo): a fresh clone of REV, a
# fresh HOME whose CARGO_HOME has no tool installed and an empty registry cache, sharing this
# machine's rustup toolchains (RUSTUP_HOME: the wasm32 target and rust-src come from rustup's
# own server, which this workplace cannot reach), and an empty npm cache. Then what
# `make demo` runs, phase by phase: SETUP (the make target that installs, `setup-demo` today,
# `setup` before the split), the package build, and the demo server, until
# http://localhost:8080/ answers; the server is stopped after. Only the package registries
# are reached (crates.io, npm). Prints one line per phase and the total, in seconds, with
# the CPU seconds (user + system) of each phase's processes and the load average: on a busy
# machine the wall clock grows, the CPU seconds stay.
#
#   bash scripts/time-to-demo.sh [REV] [SETUP]     (defaults: HEAD setup-demo)
set -euo pipefail
rev=${1:-HEAD}
setup=${2:-setup-demo}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/time-to-demo.XXXXXX)
git clone -q --no-hardlinks "$src" "$work/repo"
git -C "$work/repo" checkout -q "$rev"
mkdir -p "$work/home/.cargo/bin" "$work/npm-cache"
# The rustup proxies, as a rustup install puts them in a fresh CARGO_HOME.
for b in cargo rustc rustdoc rustup; do ln -s "$(command -v "$b")" "$work/home/.cargo/bin/$b"; done
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
export HOME=$work/home CARGO_HOME=$work/home/.cargo npm_config_cache=$work/npm-cache
export PATH="$CARGO_HOME/bin:$(dirname "$(command -v node)"):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
cd "$work/repo"

! curl -s -o /dev/null http://localhost:8080/ || { echo "time-to-demo: something already answers on :8080" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
# A phase's wall and CPU seconds (bash's `time` counts the children it waited for).
TIMEFORMAT='%0R s (CPU %0U s user + %0S s system)'
phase() { # NAME LOG COMMAND...
  local name=$1 log=$2; shift 2
  printf '%s: ' "$name"
  { time "$@" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }; } 2>&1
}
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(now)
phase "setup ($setup)" "$work/setup.log" make -s "$setup"
grep '^setup:' "$work/setup.log" || true
phase "package build" "$work/pkg.log" bash scripts/build-pkg.sh
t=$(now)
setsid node www/server.mjs > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null http://localhost:8080/ && break; sleep 0.5; done
curl -sf -o /dev/null http://localhost:8080/ && answered=yes || answered=no
echo "demo server: $(since "$t") s (answered: $answered)"
kill -- -"$server" 2>/dev/null || kill "$server"
wait "$server" 2>/dev/null || true
echo "total, clone to demo page: $(since "$start") s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "installed: $(ls "$CARGO_HOME/bin" | tr '\n' ' ')"
rm -rf "$work"
