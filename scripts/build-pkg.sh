#!/usr/bin/env bash
# `make pkg`: the npm package in pkg/: the release wasm (the `npm/` crate: the JS skin over
# the core, docs/architecture.md#crates), wasm-bindgen's --target web glue, wasm-opt -Oz, and one minified ES module
# (pkg-template/index.js with its generated boundary.js, the glue and the ConnectError class,
# bundled by esbuild) so a page fetches one script and the wasm: no extra round trips. pkg-template/ adds the types,
# package.json, README and LICENSE. target/size/named.wasm keeps the function names for
# `make size`'s breakdown.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

# The npm crate is the cdylib; Rust users depend on the core crate, an rlib. This build
# also builds std from source (`-Zbuild-std`, the rust-src of this same stable
# toolchain) with `panic = immediate-abort`: a panic is a trap, so no panic messages,
# locations or formatting code reach the wasm (-2.3 KB gzipped). Both are unstable
# options, allowed here by RUSTC_BOOTSTRAP for this one build of the npm artifact; Rust
# users' builds of the crate are plain stable (docs/decisions.md#size).
# Without the reference-types target feature, wasm-bindgen keeps JS values in its JS-side
# heap instead of an externref table: 0.9 KB gzipped less, wasm and glue together.
# The skin and the core are two crates but one program: `-Zcross-crate-inline-threshold=always`
# lets the skin inline the core's functions as it did when they were one crate (without it
# the split costs 229 B gzipped; with it, 36 B; docs/decisions.md#size).
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort -Ctarget-feature=-reference-types -Zcross-crate-inline-threshold=always"
cargo build --quiet --release --target wasm32-unknown-unknown -p vendo-connect-npm --lib -Zbuild-std=std,panic_abort

gen=target/pkg-gen
rm -rf "$gen" pkg
mkdir -p "$gen" pkg target/size
wasm-bindgen --target web --omit-default-module-path --encode-into always --keep-debug --out-dir "$gen" --out-name vendo_connect \
  target/wasm32-unknown-unknown/release/vendo_connect_npm.wasm
# `--flatten --rereloop` between two -Oz runs rebuilds each function's control flow with
# Binaryen's Relooper: 190 B gzipped less (docs/decisions.md#size).
features=(--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-multivalue)
wasm-opt -Oz --flatten --rereloop -Oz --low-memory-unused --converge "${features[@]}" --debuginfo "$gen/vendo_connect_bg.wasm" -o target/size/named.wasm
wasm-opt -Oz --flatten --rereloop -Oz --low-memory-unused --converge "${features[@]}" --strip-debug --strip-producers --strip-target-features "$gen/vendo_connect_bg.wasm" \
  -o "$gen/opt.wasm"
# Short import and export names in the wasm and, to match, in the glue.
wasm-opt --minify-imports-and-exports-and-modules "${features[@]}" "$gen/opt.wasm" \
  -o pkg/vendo_connect_bg.wasm > "$gen/names.json"
node scripts/minify-glue.mjs "$gen/names.json" pkg/vendo_connect_bg.wasm "$gen/vendo_connect.js" >/dev/null

snippet=$(cd "$gen" && find snippets -name connect-error.js | head -n 1)
[ -n "$snippet" ] || { echo "build-pkg: the ConnectError snippet is missing" >&2; exit 1; }
# boundary.js (the positions the wasm reads, the modes, where popups cannot work) is generated
# from npm/src/boundary.rs and committed; the test in npm/src/boundary.rs holds it to the Rust lists. esbuild
# inlines its constants into index.js.
sed "s#__CONNECT_ERROR__#./$snippet#" pkg-template/index.js > "$gen/index.js"
cp pkg-template/boundary.js "$gen/boundary.js"
esbuild "$gen/index.js" --bundle --format=esm --minify --legal-comments=none --log-level=warning \
  --external:./vendo_connect_wasm.js --outfile=pkg/index.js
# The wasm's copy as a JS module, base64 (docs/architecture.md#loading): index.js imports it
# with `import()` only where vendo_connect_bg.wasm does not arrive (a dev server that
# pre-bundles, esbuild and Rollup, which emit no assets; Node and server renders).
# esbuild drops comments inside import(): webpack's is put back (see wasmSource in index.js).
sed -i 's#import("./vendo_connect_wasm.js")#import(/* webpackIgnore: true */"./vendo_connect_wasm.js")#' pkg/index.js
grep -q 'new URL("vendo_connect_bg.wasm",import.meta.url)' pkg/index.js \
  || { echo "build-pkg: index.js lost the bundler-visible wasm URL" >&2; exit 1; }
grep -q 'import(/\* webpackIgnore: true \*/"./vendo_connect_wasm.js")' pkg/index.js \
  || { echo "build-pkg: index.js lost the import() of the wasm's copy" >&2; exit 1; }
printf 'export default "%s";\n' "$(base64 -w0 pkg/vendo_connect_bg.wasm)" > pkg/vendo_connect_wasm.js

cp pkg-template/package.json pkg-template/README.md pkg-template/index.d.ts LICENSE pkg/
# `vendo-connect/react` (a subpath of its own: users who don't import it load none of it).
# Minified, not bundled: `./index.js` and `react` stay imports.
esbuild pkg-template/react.js --minify --format=esm --legal-comments=none --log-level=warning --outfile=pkg/react.js
cp pkg-template/react.d.ts pkg/
# `vendo-connect/testing`: the Playwright kit (docs/testing.md), Node-side test code, copied as
# written: not bundled into index.js, not minified, not in the main size.
cp pkg-template/testing.js pkg-template/testing.d.ts pkg/
# `vendo-connect/testing/page`: the in-page kit (docs/testing.md#in-page-runners), browser-side
# test code for runners without route interception, copied as written, not in the main size.
cp pkg-template/testing-page.js pkg-template/testing-page.d.ts pkg/
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
sed -i "s#__VERSION__#$version#" pkg/package.json

# The tarball holds exactly what a user needs.
files=$(cd pkg && npm pack --dry-run --json --loglevel=error | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    for (const f of JSON.parse(s)[0].files) console.log(f.path);
  });')
unexpected=$(printf '%s\n' "$files" | grep -Ev '^(package\.json|README\.md|LICENSE|index\.js|index\.d\.ts|react\.js|react\.d\.ts|testing\.js|testing\.d\.ts|testing-page\.js|testing-page\.d\.ts|vendo_connect_bg\.wasm|vendo_connect_wasm\.js)$' || true)
[ -z "$unexpected" ] || { echo "build-pkg: unexpected files in the tarball: $unexpected" >&2; exit 1; }
echo "pkg: built $(printf '%s\n' "$files" | wc -l) files into pkg/"
