# The README's two set-up commands are `make demo` and `make test`.
.PHONY: demo test pkg size bench examples setup clean

demo: pkg
	node www/server.mjs

test:
	bash scripts/test-all.sh

pkg: setup
	bash scripts/build-pkg.sh

size:
	bash scripts/size-report.sh

bench: pkg
	node scripts/bench.mjs

examples: setup
	bash scripts/build-examples.sh
	[ -f pkg/testing.js ] || bash scripts/build-pkg.sh
	bash scripts/build-connect-app.sh

setup:
	bash scripts/setup.sh

clean:
	rm -rf pkg target node_modules examples/leptos/target examples/leptos/dist tests/consumers/node_modules tests/react/node_modules
