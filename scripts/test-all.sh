#!/usr/bin/env bash
# `make test`: every suite, in order, each bounded in time; a failing or crashing suite
# does not stop the others. Ends with one line "N passed, M failed" and a non-zero exit
# if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
. scripts/env.sh

logs=$(mktemp -d)
# Every process a suite starts inherits this run's mark in its environment, even one that
# leaves the suite's session (Playwright starts Chromium with setsid). The orphan check and
# the clean-up after each suite find the suites' processes by it, so a browser that
# something else on the machine runs is never counted or stopped.
export VENDO_TEST_RUN="$$-$(date +%s%N)"
total_pass=0; total_fail=0
table=()

# cargo test and wasm-bindgen-test-runner: "test result: ok. N passed; M failed"
count_rust() { awk '/test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$1"; }
# The live (not zombie) processes whose environment carries `VAR=value` $1 (and not $2, if
# given), as "pid args" lines.
marked() {
  local environ pid vars
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}; pid=${pid%/environ}
    [ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] || continue
    vars=$(tr '\0' '\n' 2>/dev/null < "$environ") || continue
    grep -qxF "$1" <<< "$vars" || continue
    if [ -n "${2:-}" ] && grep -qxF "$2" <<< "$vars"; then continue; fi
    ps -o pid=,stat=,args= -p "$pid" 2>/dev/null | awk '$2 !~ /^Z/ { $2 = ""; print }'
  done
}

# node --test: "# pass N" / "# fail M"
count_node() { awk '/^# pass / { p += $3 } /^# fail / { f += $3 } END { print p + 0, f + 0 }' "$1"; }
# Vitest's tap-flat reporter: one "ok N - …" / "not ok N - …" line per test; a skipped or todo
# test counts as failed (a test that did not run is not a pass).
count_tap() { awk '/^ok [0-9]+ / { if (/# (SKIP|TODO)/) f++; else p++ } /^not ok [0-9]+ / { f++ } END { print p + 0, f + 0 }' "$1"; }
# our own checks (lint, docs, size, orphans): one line "NAME: N passed, M failed"
count_line() { awk '/^[a-z]+: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 } END { print p + 0, f + 0 }' "$1"; }

run() {
  local name=$1 counter=$2 limit=$3; shift 3
  local log="$logs/$name.log" status pass fail
  echo "=== $name: $*"
  # Each suite runs in a session of its own; whatever it leaves running (a browser whose
  # driver was killed, say) is stopped when it ends, on success, failure and timeout.
  # Each carries a mark of its own, so what it leaves is found even outside its session.
  local mark="VENDO_TEST_SUITE=$name-$VENDO_TEST_RUN"
  env "$mark" setsid --wait timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  local left
  left=$(marked "$mark")
  if [ -n "$left" ]; then
    echo "=== $name left $(wc -l <<< "$left") processes running: stopped"
    awk '{ print $1 }' <<< "$left" | xargs -r kill -KILL 2>/dev/null || true
  fi
  read -r pass fail < <("$counter" "$log")
  if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1  # crashed, timed out or failed without counting it
    echo "=== $name exited with status $status"
  fi
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  table+=("$(printf '%-10s %6d passed %4d failed  (exit %d)' "$name" "$pass" "$fail" "$status")")
}

# cargo doc for the browser target, warnings denied: "docs: N passed, M failed".
docs() {
  if RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --target wasm32-unknown-unknown --features serde; then
    echo "docs: 1 passed, 0 failed"
  else
    echo "docs: 0 passed, 1 failed"; return 1
  fi
}

# The gates first: rustfmt, clippy (native and wasm32, warnings denied) and Biome.
run lint count_line 1200 bash scripts/lint.sh
run native count_rust 900 cargo test --workspace --all-targets --features serde
# The core's browser layer and Rust test kit, then the npm crate's skin (one Chromium each).
wasm_suites() {
  local status=0
  wasm-pack test --headless --chrome --mode no-install -- --features testing || status=1
  wasm-pack test --headless --chrome --mode no-install npm || status=1
  return "$status"
}
export -f wasm_suites
run wasm count_rust 1200 bash -c wasm_suites
# The Leptos example's component test, its flow scripted with vendo_connect::testing.
run leptos count_rust 1200 bash -c 'cd examples/leptos && wasm-pack test --headless --chrome --mode no-install'
export -f docs
run docs count_line 600 bash -c docs
if bash scripts/build-pkg.sh; then
  # The Rust consumer (examples/leptos) the e2e suite clicks through and inspects.
  timeout 1500 bash scripts/build-examples.sh || { rm -rf examples/leptos/dist; echo "=== the examples did not build"; }
  # Every setup of issue 16 (Vite 5-8, Vue, React, SvelteKit 2 and latest, Astro 5 and
  # latest, Next.js 16 with webpack and Turbopack, webpack 5, Parcel 2, esbuild, Rollup, an
  # import map, TypeScript 5), from the packed tarball, with Node 22/24 from the npm registry;
  # tests/e2e/consumers.test.mjs clicks through each build and dev server. A first run
  # installs each framework once (npm ci); later runs only build.
  timeout 1500 bash scripts/build-consumers.sh || echo "=== the consumer apps did not build"
  # The React hook's test app (React 19, StrictMode), from the packed tarball.
  timeout 300 bash scripts/build-react.sh || echo "=== the React test app did not build"
  # The connect-app example (vendo-connect/testing), from the packed tarball; its own suite
  # below, and the npm README's test suite runs in it (tests/e2e/readme.test.mjs).
  timeout 300 bash scripts/build-connect-app.sh || echo "=== the connect-app example did not install"
  # The Vitest browser mode example (vendo-connect/testing/page), from the packed tarball.
  timeout 600 bash scripts/build-vitest-browser.sh || echo "=== the vitest-browser example did not install"
  run e2e count_node 3600 node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/
  run example count_node 600 node --test --test-concurrency=1 --test-timeout=120000 examples/connect-app/test/
  # Vitest closes its Chromium itself; run() stops anything it would leave.
  run vitest count_tap 600 bash -c 'cd examples/vitest-browser && exec node_modules/.bin/vitest run --reporter=tap-flat'
  run size count_line 60 bash scripts/size-report.sh
else
  table+=("pkg        build failed: e2e and size not run")
  total_fail=$((total_fail + 2))
fi

# Every suite stops what it started: nothing with this run's mark may outlive the suites.
# (Each suite's leftovers were stopped above, and reported; this also catches what the
# builds between the suites started.)
orphans() {
  sleep 2
  local left
  # Less this check itself (it carries its own suite's mark) and the `tee` of its log.
  left=$(marked "VENDO_TEST_RUN=$VENDO_TEST_RUN" "VENDO_TEST_SUITE=$VENDO_TEST_SUITE" | grep -vF " tee $logs/" || true)
  if [ -z "$left" ]; then echo "orphans: 1 passed, 0 failed"; else
    echo "left running after the suites:"; echo "$left"; echo "orphans: 0 passed, 1 failed"; return 1; fi
}
export -f orphans marked
export logs
run orphans count_line 60 bash -c orphans

echo
echo "=== summary"
printf '%s\n' "${table[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
