// A Rust app that depends on the crate links none of the JS skin (issue: "a JS skin that
// Rust users never pay for"): the Leptos example's wasm exports none of the npm package's
// wasm exports, its glue imports no snippet of ours, and no cdylib of the crate is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const file = (p) => new URL(p, root);

test('the Leptos app (a Rust consumer) contains none of the JS skin', () => {
  const gen = file('target/pkg-gen/vendo_connect.js');
  const app = file('examples/leptos/dist/vendo_connect_leptos_bg.wasm');
  assert.ok(existsSync(gen), 'target/pkg-gen is not built (scripts/build-pkg.sh)');
  assert.ok(existsSync(app), 'examples/leptos/dist is not built (scripts/build-examples.sh)');
  // The skin's exports, as wasm-bindgen generated them for the npm build.
  const skin = [...readFileSync(gen, 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
  assert.ok(skin.includes('connect') && skin.includes('tokenRequest'), `the skin's exports were not found: ${skin}`);
  const npmExports = WebAssembly.Module.exports(
    new WebAssembly.Module(readFileSync(file('target/pkg-gen/vendo_connect_bg.wasm'))),
  ).map((e) => e.name);
  assert.ok(
    skin.every((name) => npmExports.includes(name)),
    'the npm wasm exports the skin (control)',
  );

  const appExports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(app))).map((e) => e.name);
  assert.deepEqual(
    appExports.filter((name) => skin.includes(name)),
    [],
    'the app wasm exports part of the JS skin',
  );
  const glue = readFileSync(file('examples/leptos/dist/vendo_connect_leptos.js'), 'utf8');
  assert.ok(!/snippets\/vendo-connect/.test(glue), 'the app glue imports a snippet of vendo-connect');
  assert.ok(!/ConnectError/.test(glue), 'the app glue knows the JS ConnectError class');
  const built = readdirSync(file('examples/leptos/target/wasm32-unknown-unknown/release/'));
  assert.ok(!built.some((f) => /^vendo_connect\.wasm$/.test(f)), 'a cdylib of the crate was built for the app');
});
