# The README's two set-up commands are `make demo` and `make test`. Each installs only what it
# needs (scripts/setup.sh demo|size|test), idempotently.
.PHONY: demo test pkg size bench examples setup setup-demo clean

demo: pkg
	node www/server.mjs

test:
	bash scripts/test-all.sh

pkg: setup-demo
	bash scripts/build-pkg.sh

size:
	bash scripts/setup.sh size
	bash scripts/size-report.sh

bench: pkg setup
	node bench/run.mjs

examples: setup
	bash scripts/build-examples.sh
	[ -f pkg/testing-page.js ] || bash scripts/build-pkg.sh
	bash scripts/build-connect-app.sh
	bash scripts/build-vitest-browser.sh

# Everything `make test` needs (the demo's tools, wasm-pack, chromium, twiggy).
setup:
	bash scripts/setup.sh test

setup-demo:
	bash scripts/setup.sh demo

clean:
	rm -rf pkg target node_modules examples/leptos/target examples/leptos/dist tests/consumers/node_modules tests/react/node_modules examples/vitest-browser/node_modules
