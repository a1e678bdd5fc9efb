#!/usr/bin/env bash
# `make size`: the npm package's size, raw and gzip -9, checked against size-budget.txt
# (bytes, gzipped wasm + every JS file a user loads). Size is deterministic, so the budget
# is a test. Then where the wasm's bytes go, by crate and by module of ours (twiggy).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
[ -f pkg/vendo_connect_bg.wasm ] || { echo "size: pkg/ is not built (make pkg)"; echo "size: 0 passed, 1 failed"; exit 1; }

gz() { gzip -9 -c "$@" | wc -c; }
raw() { cat "$@" | wc -c; }
js=(pkg/index.js)
wasm_raw=$(raw pkg/vendo_connect_bg.wasm); wasm_gz=$(gz pkg/vendo_connect_bg.wasm)
js_raw=$(raw "${js[@]}"); js_gz=$(cat "${js[@]}" | gzip -9 -c | wc -c)
total_raw=$((wasm_raw + js_raw)); total_gz=$((wasm_gz + js_gz))
budget=$(tr -dc '0-9' < size-budget.txt)

printf '%-28s %10s %10s\n' "" "raw" "gzip -9"
printf '%-28s %10d %10d\n' "vendo_connect_bg.wasm" "$wasm_raw" "$wasm_gz"
printf '%-28s %10d %10d\n' "index.js (entry + glue)" "$js_raw" "$js_gz"
printf '%-28s %10d %10d   budget %d\n' "total" "$total_raw" "$total_gz" "$budget"
[ -f pkg/testing.js ] && printf '%-28s %10d %10d   (vendo-connect/testing, Node-side test kit, never in a page)\n' "testing.js" "$(raw pkg/testing.js)" "$(gz pkg/testing.js)"
[ -f pkg/testing-page.js ] && printf '%-28s %10d %10d   (vendo-connect/testing/page, in-page test kit, only in tests)\n' "testing-page.js" "$(raw pkg/testing-page.js)" "$(gz pkg/testing-page.js)"
[ -f pkg/react.js ] && printf '%-28s %10d %10d   (vendo-connect/react, only if imported)\n' "react.js" "$(raw pkg/react.js)" "$(gz pkg/react.js)"
if [ -f target/size/named.wasm ] && command -v twiggy >/dev/null; then
  echo
  python3 scripts/size-breakdown.py target/size/named.wasm "$wasm_gz" || echo "size: the breakdown failed"
fi
if [ "$total_gz" -le "$budget" ]; then
  echo "size: 1 passed, 0 failed"
else
  echo "size: over budget by $((total_gz - budget)) bytes"
  echo "size: 0 passed, 1 failed"
  exit 1
fi
