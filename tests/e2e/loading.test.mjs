// Loading the package (docs/architecture.md#loading): no init() to forget; a click while the
// wasm is still loading opens its popup anyway (popup blocker on); a strict CSP with
// 'wasm-unsafe-eval' works and one without it fails with a typed load_failed; synchronous
// helpers before ready throw not_ready; in Node, importing does nothing and ready() loads the
// wasm from the package. Where the wasm URL answers a 404 or an HTML page, the wasm's JS copy
// (vendo_connect_wasm.js) is imported instead; where it answers with wasm, the copy is never
// downloaded; where neither arrives, load_failed says what the URL answered and the fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { closed } from './harness.mjs';
import { setup } from './support.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
const requested = []; // every /pkg/ path the pages asked for
let ctx;
let app;
let origin;

// The app's page: imports the package and nothing else; a button runs `window.action`.
const page = (script) => `<!doctype html><meta charset="utf-8"><title>app</title>
<button id="go">go</button><pre id="out"></pre>
<script type="module" src="/app.js"></script>
<script type="module">${script}</script>`;
const APP = `import * as sdk from '/pkg/index.js';
window.sdk = sdk;
window.out = [];
document.getElementById('go').addEventListener('click', () => window.action && window.action());`;

before(async () => {
  ctx = await setup();
  // A static server of our own: each path can be delayed and served with any CSP.
  app = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const delay = Number(url.searchParams.get('delay') || 0);
    const csp = url.searchParams.get('csp');
    try {
      if (url.pathname.startsWith('/pkg/')) {
        requested.push(url.pathname);
        const wasm = url.pathname.endsWith('.wasm');
        // How the wasm and its JS copy are answered (a dev server's 404 or HTML fallback, …).
        const as = wasm ? globalThis.wasmAs : url.pathname.endsWith('_wasm.js') ? globalThis.copyAs : undefined;
        if (as === 404) return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        if (as === 'html')
          return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>app</title>');
        // A catch-all page under the extension's type (a static server's SPA fallback).
        if (as === 'mislabelled')
          return res.writeHead(200, { 'Content-Type': 'application/wasm' }).end('<!doctype html><title>app</title>');
        if (as === 'octet')
          return res
            .writeHead(200, { 'Content-Type': 'application/octet-stream' })
            .end(await readFile(new URL(url.pathname.slice(5), pkg)));
        const body = await readFile(new URL(url.pathname.slice(5), pkg));
        const slow = wasm ? Number(globalThis.wasmDelay || 0) : 0;
        setTimeout(() => {
          res.writeHead(200, {
            'Content-Type': wasm ? 'application/wasm' : 'text/javascript',
            'Cache-Control': 'no-store',
          });
          res.end(body);
        }, slow);
        return;
      }
      const headers = {
        'Content-Type': url.pathname.endsWith('.js') ? 'text/javascript' : 'text/html',
        'Cache-Control': 'no-store',
      };
      if (csp) headers['Content-Security-Policy'] = csp;
      if (url.pathname === '/app.js')
        return setTimeout(() => {
          res.writeHead(200, headers);
          res.end(APP);
        }, delay);
      if (url.pathname === '/page') {
        res.writeHead(200, headers);
        return res.end(page(url.searchParams.get('script') || ''));
      }
      res.writeHead(404).end();
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${app.address().port}`;
});
after(async () => {
  await new Promise((r) => app?.close(r));
  await ctx?.close();
});

const open = async (query = '') => {
  const p = await ctx.browser.newPage();
  await p.goto(`${origin}/page${query}`);
  await p.waitForFunction(() => window.sdk !== undefined);
  return p;
};
const connectAction =
  () => `window.action = () => window.sdk.connect({ baseUrl: ${JSON.stringify(ctx.servers.vendoOrigin)}, provider: 'notion' })
  .then((c) => window.out.push({ ok: c.connectionId }), (e) => window.out.push({ code: e.code, detail: e.detail, isConnectError: e instanceof window.sdk.ConnectError }));`;

test('no init(): import, click, connect; a click while the wasm is still loading opens the popup (blank, then navigated)', async () => {
  globalThis.wasmDelay = 1500;
  try {
    const p = await open();
    const loadedEarly = await p.evaluate(() => {
      try {
        window.sdk.generateState();
        return true;
      } catch (e) {
        return e.code;
      }
    });
    assert.equal(loadedEarly, 'not_ready', 'a synchronous helper before ready throws not_ready');
    const message = await p.evaluate(() => {
      try {
        window.sdk.generatePkce();
      } catch (e) {
        return e.message;
      }
    });
    assert.match(message, /await ready\(\)/);
    await p.evaluate(connectAction());
    const [popup] = await Promise.all([p.waitForEvent('popup'), p.click('#go')]);
    assert.equal(await p.evaluate(() => window.out.length), 0);
    // Blank at first, then sent through Vendo's authorize entry to the consent page, sized
    // as the engine sizes its own popups (500×650 by default) once the wasm is ready.
    await popup.waitForSelector('#approve', { timeout: 10_000 });
    // (A blank 'popup=yes' window is the screen's size here, 1280×720; headless Chromium caps
    // a resized window's height at 600.)
    const [width, height] = await popup.evaluate(() => [window.outerWidth, window.outerHeight]);
    assert.equal(width, 500, 'the blank popup was sized by the engine');
    assert.ok(height <= 650, `height ${height}`);
    await popup.click('#approve');
    const log = await (await fetch(`${ctx.servers.vendoOrigin}/__test/log`)).json();
    assert.ok(
      log.requests.some((q) => q.includes('/api/oauth/notion/authorize') && q.includes(encodeURIComponent(origin))),
      'through the authorize entry',
    );
    await p.waitForFunction(() => window.out.length === 1, null, { timeout: 15_000 });
    const [r] = await p.evaluate(() => window.out);
    assert.match(r.ok ?? JSON.stringify(r), /^[0-9a-f-]{36}$/);
    await closed(popup, 5_000);
    assert.equal(await p.evaluate(() => window.sdk.generateState().length), 43, 'helpers work once ready');
    await p.close();
  } finally {
    globalThis.wasmDelay = 0;
  }
});

test("mode 'auto' before the wasm is ready: a popup inside the click on desktop; in an in-app browser none, and popupSupport() answers without the wasm", async () => {
  const autoAction = () => connectAction().replace("provider: 'notion' }", "provider: 'notion', mode: 'auto' }");
  globalThis.wasmDelay = 1500;
  try {
    const p = await open();
    assert.deepEqual(await p.evaluate(() => window.sdk.popupSupport()), { popup: true, reason: null }, 'before ready');
    await p.evaluate(autoAction());
    // The popup opens in the click itself, while the wasm is still loading.
    const [popup] = await Promise.all([p.waitForEvent('popup', { timeout: 1_000 }), p.click('#go')]);
    await popup.waitForSelector('#approve', { timeout: 10_000 });
    await popup.click('#approve');
    await p.waitForFunction(() => window.out.length === 1, null, { timeout: 15_000 });
    assert.match((await p.evaluate(() => window.out))[0].ok ?? '', /^[0-9a-f-]{36}$/);
    await p.close();

    const context = await ctx.browser.newContext({
      userAgent:
        'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/428.0.0.26.108;]',
    });
    let opened = 0;
    context.on('page', () => {
      opened += 1;
    });
    const q = await context.newPage();
    await q.goto(`${origin}/page`);
    await q.waitForFunction(() => window.sdk !== undefined);
    opened = 0;
    assert.deepEqual(
      await q.evaluate(() => window.sdk.popupSupport()),
      { popup: false, reason: "Facebook's in-app browser" },
      'before ready',
    );
    await q.evaluate(autoAction());
    await q.click('#go');
    await q.waitForFunction(() => window.out.length === 1, null, { timeout: 15_000 });
    assert.equal((await q.evaluate(() => window.out))[0].code, 'popup_unsupported');
    assert.equal(opened, 0, 'no doomed popup');
    await context.close();
  } finally {
    globalThis.wasmDelay = 0;
  }
});

test('error details name the JS options (camelCase), where the Rust API names its fields', async () => {
  const p = await open();
  await p.evaluate(() => window.sdk.ready());
  const details = await p.evaluate(async () => {
    const out = [];
    for (const o of [
      { baseUrl: 'http://vendo.example', provider: 'notion' },
      { baseUrl: 'https://v.example', provider: 'notion', timeoutMs: -1 },
    ]) {
      await window.sdk.connect(o).catch((e) => out.push(`${e.code} ${e.detail}`));
    }
    return out;
  });
  assert.match(details[0], /^invalid_options baseUrl must be https:/);
  assert.match(details[1], /^invalid_options timeoutMs must be a positive number/);
  await p.close();
});

test('invalid options before the wasm is ready reject before any window opens', async () => {
  globalThis.wasmDelay = 1000;
  try {
    const p = await open();
    await p.evaluate(() => {
      window.action = () => window.sdk.connect({ baseUrl: 42 }).catch((e) => window.out.push(e.code));
    });
    const popups = [];
    p.on('popup', (w) => popups.push(w));
    await p.click('#go');
    await p.waitForFunction(() => window.out.length === 1);
    assert.deepEqual(await p.evaluate(() => window.out), ['invalid_options']);
    await p.waitForTimeout(300);
    assert.equal(popups.length, 0);
    await p.close();
  } finally {
    globalThis.wasmDelay = 0;
  }
});

test("a strict CSP with 'wasm-unsafe-eval' works end to end", async () => {
  const csp = encodeURIComponent(
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'; connect-src 'self'",
  );
  const p = await open(`?csp=${csp}`);
  await p.evaluate(() => window.sdk.ready());
  await p.evaluate(connectAction());
  const [popup] = await Promise.all([p.waitForEvent('popup'), p.click('#go')]);
  await popup.click('#approve');
  await p.waitForFunction(() => window.out.length === 1, null, { timeout: 15_000 });
  assert.ok((await p.evaluate(() => window.out[0])).ok);
  await p.close();
});

test("without 'wasm-unsafe-eval' ready() and every flow reject with load_failed naming the CSP, and the blank popup is closed", async () => {
  const csp = encodeURIComponent("default-src 'none'; script-src 'self' 'unsafe-inline'; connect-src 'self'");
  const p = await open(`?csp=${csp}`);
  const err = await p.evaluate(() =>
    window.sdk.ready().then(
      () => null,
      (e) => ({ code: e.code, detail: e.detail, isConnectError: e instanceof window.sdk.ConnectError }),
    ),
  );
  assert.equal(err?.code, 'load_failed', JSON.stringify(err));
  assert.ok(err.isConnectError);
  assert.match(err.detail, /wasm-unsafe-eval/);
  assert.ok(
    !requested.includes('/pkg/vendo_connect_wasm.js'),
    'a compile refused by the CSP does not fetch the JS copy',
  );
  await p.evaluate(connectAction());
  await p.click('#go');
  await p.waitForFunction(() => window.out.length === 1);
  const r = await p.evaluate(() => window.out[0]);
  assert.equal(r.code, 'load_failed');
  assert.match(r.detail, /wasm-unsafe-eval/);
  await p.close();
});

test('a flow clicked while a failing load is under way closes its blank popup', async () => {
  const csp = encodeURIComponent("default-src 'none'; script-src 'self' 'unsafe-inline'; connect-src 'self'");
  globalThis.wasmDelay = 800;
  try {
    const p = await open(`?csp=${csp}`);
    await p.evaluate(connectAction());
    const [popup] = await Promise.all([p.waitForEvent('popup'), p.click('#go')]);
    await p.waitForFunction(() => window.out.length === 1, null, { timeout: 10_000 });
    assert.equal((await p.evaluate(() => window.out[0])).code, 'load_failed');
    await closed(popup, 3_000);
    await p.close();
  } finally {
    globalThis.wasmDelay = 0;
  }
});

test('Node: importing neither throws nor fetches; ready() reads the wasm from the package folder; flows reject with a typed error', () => {
  const script = `
    let fetched = 0;
    globalThis.fetch = () => { fetched++; throw new Error('no fetch'); };
    const sdk = await import(${JSON.stringify(new URL('index.js', pkg).href)});
    await new Promise((r) => setTimeout(r, 50));
    const before = (() => { try { sdk.generateState(); return 'ok'; } catch (e) { return e.code; } })();
    await sdk.ready();
    const flow = await sdk.connect({ baseUrl: 'https://vendo.example', provider: 'notion' }).then(() => 'resolved', (e) => e.code);
    const cb = await sdk.completeCallback().then(() => 'resolved', (e) => e.code);
    console.log(JSON.stringify({ fetched, before, state: sdk.generateState().length, pkce: sdk.pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), flow, cb,
      vendo: sdk.parseVendoMessage({ type: 'vendo:connection:ack', connection_id: 'c' }) }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(run.stdout.trim().split('\n').pop());
  assert.deepEqual(r, {
    fetched: 0,
    before: 'not_ready',
    state: 43,
    pkce: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    flow: 'unsupported_environment',
    cb: 'unsupported_environment',
    vendo: { type: 'vendo:connection:ack', connectionId: 'c' },
  });
});

/** Opens the page with the wasm and its copy answered as given; returns what ready() gave and which /pkg/ files were asked for. */
async function loadWith(wasmAs, copyAs) {
  globalThis.wasmAs = wasmAs;
  globalThis.copyAs = copyAs;
  requested.length = 0;
  try {
    const p = await open();
    const r = await p.evaluate(() =>
      window.sdk.ready().then(
        () => 'ready',
        (e) => ({ code: e.code, detail: e.detail }),
      ),
    );
    return { p, r, asked: [...requested] };
  } finally {
    globalThis.wasmAs = undefined;
    globalThis.copyAs = undefined;
  }
}

test('the wasm served: its JS copy is never downloaded', async () => {
  const { p, r, asked } = await loadWith();
  assert.equal(r, 'ready');
  assert.deepEqual(asked, ['/pkg/index.js', '/pkg/vendo_connect_bg.wasm']);
  await p.close();
});

for (const [what, as] of [
  ['a 404 (a dev server that pre-bundled the package)', 404],
  ["an HTML page (a dev server's SPA fallback)", 'html'],
  ["an HTML page labelled application/wasm (a static server's catch-all, typed by the extension)", 'mislabelled'],
]) {
  test(`the wasm answered with ${what}: the JS copy is imported, and a click connects`, async () => {
    const { p, r, asked } = await loadWith(as);
    assert.equal(r, 'ready', JSON.stringify(r));
    assert.deepEqual(asked, ['/pkg/index.js', '/pkg/vendo_connect_bg.wasm', '/pkg/vendo_connect_wasm.js']);
    await p.evaluate(connectAction());
    const [popup] = await Promise.all([p.waitForEvent('popup'), p.click('#go')]);
    await popup.click('#approve');
    await p.waitForFunction(() => window.out.length === 1, null, { timeout: 15_000 });
    assert.match((await p.evaluate(() => window.out[0])).ok ?? '', /^[0-9a-f-]{36}$/);
    await p.close();
  });
}

test('the wasm served as application/octet-stream: its bytes are used (checked by their magic number), not the copy', async () => {
  const { p, r, asked } = await loadWith('octet');
  assert.equal(r, 'ready');
  assert.ok(!asked.includes('/pkg/vendo_connect_wasm.js'), JSON.stringify(asked));
  await p.close();
});

test('neither the wasm nor its copy: load_failed names both answers and the fix', async () => {
  const { p, r } = await loadWith(404, 404);
  assert.equal(r.code, 'load_failed');
  assert.match(
    r.detail,
    /^the server has neither the wasm nor its JS copy: serve the wasm your bundler emitted \(without a bundler, node_modules\/vendo-connect\/ as it is published\) as application\/wasm, or pass the wasm to init\(\{ module_or_path \}\)/,
  );
  assert.match(
    r.detail,
    /\/pkg\/vendo_connect_bg\.wasm answered 404 text\/plain; its JS copy, vendo_connect_wasm\.js: /,
  );
  await p.close();
});
