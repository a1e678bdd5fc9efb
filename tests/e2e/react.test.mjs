// vendo-connect/react (docs/architecture.md#react): a React 19 app under <StrictMode>
// (tests/react, React's development build, so effects run mount → unmount → mount), with the
// package installed from its packed tarball, clicked through in Chromium with the popup
// blocker on. Build it first with `bash scripts/build-react.sh`; a missing build fails every
// test here.
//
// Servers: the Vendo server from startServers() (www/server.mjs), and the app's dist/ on its
// own loopback origin (examples/leptos/serve.mjs' static server, .wasm as application/wasm).
// The app also renders the npm README's React example verbatim (tests/react/src/ConnectNotion.tsx).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import path from 'node:path';
import { closed } from './harness.mjs';
import { setup, vendoLog, INSTRUMENT } from './support.mjs';
import { serveDist } from '../../examples/leptos/serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = path.join(ROOT, 'tests/react');
const DIST = path.join(APP, 'dist');
const INSTALLED = path.join(APP, 'node_modules/vendo-connect');
const REQUIRED = [
  'dist/index.html',
  'dist/app.js',
  'dist/vendo_connect_bg.wasm',
  'node_modules/vendo-connect/react.js',
];
const missing = REQUIRED.filter((f) => !existsSync(path.join(APP, f)));
const NOT_BUILT = missing.length
  ? `tests/react is not built (missing ${missing.join(', ')}): run \`bash scripts/build-react.sh\` first`
  : null;

let ctx;
let app;
before(async () => {
  if (NOT_BUILT) return;
  ctx = await setup();
  app = await serveDist({ dir: DIST });
});
after(async () => {
  await app?.close();
  await ctx?.close();
});

/** The app page, its uncaught errors and console errors collected; counts its popups. */
async function appPage({ instrument = false } = {}) {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  const page = await ctx.browser.newPage();
  if (instrument) await page.addInitScript(INSTRUMENT);
  page.errors = [];
  page.popups = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  page.on('popup', (p) => page.popups.push(p));
  // The README's example (src/ConnectNotion.tsx, verbatim) names https://vendo.example: as the
  // bundle is served, that host becomes the local Vendo server (as tests/e2e/readme.test.mjs does).
  await page.route(`${app.origin}/app.js`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      body: (await response.text()).replaceAll('https://vendo.example', ctx.servers.vendoOrigin),
    });
  });
  await page.goto(`${app.origin}/?${new URLSearchParams({ vendo: ctx.servers.vendoOrigin })}`);
  await page.waitForSelector('#connect', { timeout: 10_000 });
  return page;
}

/** A real click on `selector`, and the popup it opened. */
async function clickForPopup(page, selector) {
  const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), page.click(selector)]);
  return popup;
}

/** The hook's state as the component rendered it. */
function shown(page) {
  return page.evaluate(() => {
    const el = document.getElementById('state');
    if (!el) return null;
    const fields = Object.fromEntries(
      [...el.querySelectorAll('[data-field]')].map((f) => [f.dataset.field, f.textContent]),
    );
    return {
      status: el.dataset.status,
      code: el.dataset.code ?? null,
      connectError: el.dataset.connectError ?? null,
      fields,
    };
  });
}

/** Waits for the rendered status to be `status`; returns what is shown. */
async function until(page, status, timeout = 15_000) {
  await page
    .waitForFunction((s) => document.getElementById('state')?.dataset.status === s, status, { timeout })
    .catch(async (e) => {
      throw new Error(`the status did not become ${status}: ${JSON.stringify(await shown(page))}`, { cause: e });
    });
  return shown(page);
}

const appLog = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.app)));

/** Waits until the instrumented counts equal `expected` (or 5 s pass); returns the last ones. */
async function countsBackTo(page, expected) {
  let now;
  const deadline = Date.now() + 5_000;
  do {
    await page.waitForTimeout(100);
    now = await page.evaluate(() => window.__counts());
  } while (Date.now() < deadline && JSON.stringify(now) !== JSON.stringify(expected));
  return now;
}

test('the package is installed from its tarball, with ./react in its exports; index.js does not import the hook', () => {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  assert.ok(!lstatSync(INSTALLED).isSymbolicLink(), 'node_modules/vendo-connect is a link, not the installed tarball');
  const manifest = JSON.parse(readFileSync(path.join(INSTALLED, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.exports['./react'], { types: './react.d.ts', import: './react.js', default: './react.js' });
  assert.equal(manifest.peerDependencies?.react, '>=18');
  assert.equal(manifest.peerDependenciesMeta?.react?.optional, true);
  assert.ok(!manifest.dependencies?.react, 'react must not be a dependency');
  const index = readFileSync(path.join(INSTALLED, 'index.js'), 'utf8');
  assert.doesNotMatch(index, /["']react["']|react\.js/, 'index.js refers to React or to react.js');
  const hook = readFileSync(path.join(INSTALLED, 'react.js'), 'utf8');
  assert.match(
    hook,
    /from\s*["']\.\/index\.js["']/,
    'react.js imports the flows from ./index.js (one module instance)',
  );
  assert.match(hook, /from\s*["']react["']/);
});

test('the app type-checks under tsc --strict against the installed package (vendo-connect/react through exports)', () => {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  try {
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(APP, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc -p tests/react failed:\n${e.stdout}${e.stderr}`);
  }
});

test('StrictMode: the effects ran mount → unmount → mount, and nothing opened a window', async () => {
  const page = await appPage({ instrument: true });
  await page.waitForTimeout(300);
  const log = await appLog(page);
  assert.deepEqual(log.effects, ['mount', 'unmount', 'mount'], 'not rendered under <StrictMode> in development');
  assert.equal(page.popups.length, 0);
  assert.equal(await page.evaluate(() => window.__live.popups.length), 0, 'window.open was called without a click');
  assert.deepEqual(await shown(page), { status: 'idle', code: null, connectError: null, fields: {} });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Connect: one click, exactly one popup; approve → done with the connection id shown; the promise resolved with it', async () => {
  const page = await appPage({ instrument: true });
  const popup = await clickForPopup(page, '#connect');
  assert.equal((await until(page, 'pending', 2_000)).status, 'pending');
  await popup.waitForSelector('#approve');
  await page.waitForTimeout(300); // a second popup (a flow started twice) would be here by now
  assert.equal(page.popups.length, 1, 'one click opened more than one popup');
  assert.equal(await page.evaluate(() => window.__live.popups.length), 1, 'window.open was called more than once');

  await popup.click('#approve');
  const r = await until(page, 'done');
  assert.match(r.fields.connection_id, /^[0-9a-f-]{36}$/, JSON.stringify(r));
  assert.equal(r.fields.display_name, 'Acme Notion Workspace');
  await closed(popup, 5_000);
  const vendo = await vendoLog(ctx);
  assert.ok(
    vendo.connections.some((c) => c.connection_id === r.fields.connection_id),
    'the Vendo server made it',
  );
  assert.ok(
    vendo.acks.some((a) => a.connection_id === r.fields.connection_id),
    'the popup got the ack',
  );
  const log = await appLog(page);
  assert.deepEqual(
    log.outcomes,
    [{ status: 'resolved', connectionId: r.fields.connection_id, opened: 1 }],
    "the hook's connect() opened the popup before returning, and its promise resolved with the connection shown",
  );
  assert.deepEqual(log.effects, ['mount', 'unmount', 'mount'], 'the flow was not started from an effect');
  assert.equal(page.popups.length, 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Connect (deny): the server answers access_denied → status error, error.code access_denied', async () => {
  const page = await appPage();
  const popup = await clickForPopup(page, '#connect-deny');
  await popup.click('#approve');
  const r = await until(page, 'error');
  assert.equal(r.code, 'access_denied', JSON.stringify(r));
  assert.equal(r.connectError, 'true', 'error is a ConnectError');
  assert.equal(r.fields.code, 'access_denied');
  await closed(popup, 5_000);
  const log = await appLog(page);
  assert.deepEqual(log.outcomes, [{ status: 'rejected', code: 'access_denied', isConnectError: true }]);
  assert.equal(page.popups.length, 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Unmount while pending: the popup closes and nothing is left; mounted again, a new flow completes', async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  const connectionsBefore = (await vendoLog(ctx)).connections.length;

  const popup = await clickForPopup(page, '#connect');
  await popup.waitForSelector('#approve'); // the consent page is up, waiting for a person
  await until(page, 'pending', 2_000);
  const running = await page.evaluate(() => window.__counts());
  assert.equal(running.openPopups, before.openPopups + 1, JSON.stringify(running));
  assert.ok(
    running.intervals > before.intervals && running.listeners > before.listeners,
    `the flow should be holding a listener and a timer: ${JSON.stringify({ before, running })}`,
  );

  await page.click('#toggle');
  await page.waitForSelector('#toggle[data-mounted=false]', { timeout: 2_000 });
  assert.equal(await page.$('#state'), null, 'the component is gone');
  await closed(popup, 5_000).catch(() => {
    throw new Error('unmounting the component did not close the popup within 5 s');
  });
  const after = await countsBackTo(page, before);
  assert.deepEqual(after, before, 'the aborted flow left something behind');
  let log = await appLog(page);
  assert.deepEqual(log.outcomes, [{ status: 'rejected', code: 'aborted', isConnectError: true, opened: 1 }]);
  assert.deepEqual(log.effects, ['mount', 'unmount', 'mount', 'unmount']);
  assert.equal((await vendoLog(ctx)).connections.length, connectionsBefore, 'no connection was made');

  // Mounted again (StrictMode runs its effects twice again), the hook is not left thinking it is unmounted.
  await page.click('#toggle');
  await page.waitForSelector('#toggle[data-mounted=true]', { timeout: 2_000 });
  assert.equal((await shown(page)).status, 'idle', 'a new component starts idle');
  const again = await clickForPopup(page, '#connect');
  await again.click('#approve');
  const r = await until(page, 'done');
  assert.match(r.fields.connection_id, /^[0-9a-f-]{36}$/);
  await closed(again, 5_000);
  log = await appLog(page);
  assert.equal(log.outcomes.at(-1).status, 'resolved');
  assert.equal(page.popups.length, 2);
  assert.deepEqual(await countsBackTo(page, before), before, 'the completed flow left something behind');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('cancel(): status error with code aborted, the popup closes, nothing is left', async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  const popup = await clickForPopup(page, '#connect');
  await popup.waitForSelector('#approve');
  await until(page, 'pending', 2_000);
  await page.click('#cancel');
  const r = await until(page, 'error', 5_000);
  assert.equal(r.code, 'aborted', JSON.stringify(r));
  assert.equal(r.connectError, 'true');
  await closed(popup, 5_000);
  const log = await appLog(page);
  assert.deepEqual(log.outcomes, [{ status: 'rejected', code: 'aborted', isConnectError: true, opened: 1 }]);
  assert.deepEqual(await countsBackTo(page, before), before, 'the cancelled flow left something behind');
  // Nothing pending: cancel() again changes nothing.
  await page.click('#cancel');
  await page.waitForTimeout(200);
  assert.equal((await shown(page)).code, 'aborted');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a second click while pending supersedes the first: its popup closes, only the newest outcome is shown', async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  const first = await clickForPopup(page, '#connect');
  await first.waitForSelector('#approve');
  await until(page, 'pending', 2_000);

  const second = await clickForPopup(page, '#connect');
  await closed(first, 5_000).catch(() => {
    throw new Error("the superseded flow's popup did not close within 5 s");
  });
  await page.waitForFunction(() => window.app.outcomes[0]?.status === 'rejected', null, { timeout: 5_000 });
  let log = await appLog(page);
  assert.deepEqual(
    log.outcomes[0],
    { status: 'rejected', code: 'superseded', isConnectError: true, opened: 1 },
    "the first promise is the package's own, rejected with superseded",
  );
  await page.waitForTimeout(300); // give a stale outcome the time to land
  assert.equal((await shown(page)).status, 'pending', "the first flow's outcome replaced the pending second one");

  await second.click('#approve');
  const r = await until(page, 'done');
  await closed(second, 5_000);
  log = await appLog(page);
  assert.equal(log.outcomes.length, 2);
  assert.deepEqual(log.outcomes[1], { status: 'resolved', connectionId: r.fields.connection_id, opened: 1 });
  assert.ok(
    !log.history.some((h) => h.status === 'error'),
    `the superseded flow's outcome was rendered: ${JSON.stringify(log.history)}`,
  );
  assert.deepEqual(
    log.history.map((h) => h.status).filter((s, i, a) => s !== a[i - 1]),
    ['idle', 'pending', 'done'],
  );
  assert.equal(page.popups.length, 2);
  assert.deepEqual(await countsBackTo(page, before), before, 'the two flows left something behind');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a click whose options are invalid still ends the pending flow: one flow per hook, its error shown', async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  const popup = await clickForPopup(page, '#connect');
  await popup.waitForSelector('#approve');
  await until(page, 'pending', 2_000);
  await page.click('#connect-invalid');
  const r = await until(page, 'error', 5_000);
  assert.equal(r.code, 'invalid_options', JSON.stringify(r));
  await closed(popup, 5_000).catch(() => {
    throw new Error("the older flow's popup was left open");
  });
  await page.waitForFunction(() => window.app.outcomes.every((o) => o.status !== 'pending'), null, { timeout: 5_000 });
  const log = await appLog(page);
  assert.deepEqual(log.outcomes, [
    { status: 'rejected', code: 'aborted', isConnectError: true, opened: 1 },
    { status: 'rejected', code: 'invalid_options', isConnectError: true, opened: 0 },
  ]);
  await page.waitForTimeout(300);
  assert.equal((await shown(page)).code, 'invalid_options', "the older flow's outcome replaced the newer one's");
  assert.deepEqual(await countsBackTo(page, before), before, 'the flows left something behind');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the caller's own signal still aborts the flow (merged with the hook's); cancel() leaves the caller's signal alone", async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  let popup = await clickForPopup(page, '#connect-signal');
  await popup.waitForSelector('#approve');
  await until(page, 'pending', 2_000);
  await page.click('#abort-signal');
  let r = await until(page, 'error', 5_000);
  assert.equal(r.code, 'aborted', JSON.stringify(r));
  await closed(popup, 5_000);
  assert.deepEqual(
    await countsBackTo(page, before),
    before,
    "a listener on the caller's signal (or the flow) was left behind",
  );

  popup = await clickForPopup(page, '#connect-signal');
  await until(page, 'pending', 2_000);
  await page.click('#cancel');
  r = await until(page, 'error', 5_000);
  assert.equal(r.code, 'aborted');
  await closed(popup, 5_000);
  assert.equal(
    await page.evaluate(() => window.app.caller.signal.aborted),
    false,
    "cancel() aborted the caller's own signal",
  );
  assert.deepEqual(
    await countsBackTo(page, before),
    before,
    "a listener on the caller's signal (or the flow) was left behind",
  );
  const log = await appLog(page);
  assert.deepEqual(
    log.outcomes.map((o) => [o.code, o.opened]),
    [
      ['aborted', 1],
      ['aborted', 1],
    ],
  );
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the README example, verbatim: Connect Notion → "Connected <id>"; deny → access_denied; Cancel → aborted', async () => {
  const page = await appPage();
  const text = () => page.locator('#readme p').textContent({ timeout: 15_000 });
  const start = () => clickForPopup(page, '#readme button:has-text("Connect Notion")');

  let popup = await start();
  await page.waitForSelector('#readme button:has-text("Cancel")', { timeout: 2_000 });
  await popup.click('#approve');
  await page.waitForFunction(() => /^Connected /.test(document.querySelector('#readme p')?.textContent ?? ''), null, {
    timeout: 15_000,
  });
  const id = (await text()).replace('Connected ', '');
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.ok(
    (await vendoLog(ctx)).connections.some((c) => c.connection_id === id),
    'the Vendo server made it',
  );
  await closed(popup, 5_000);

  popup = await start();
  await popup.click('#deny');
  await page
    .waitForFunction(() => document.querySelector('#readme p')?.textContent === 'access_denied', null, {
      timeout: 15_000,
    })
    .catch(async (e) => {
      throw new Error(`shown: ${await text()}`, { cause: e });
    });
  await closed(popup, 5_000);

  popup = await start();
  await popup.waitForSelector('#approve');
  await page.click('#readme button:has-text("Cancel")');
  await page
    .waitForFunction(() => document.querySelector('#readme p')?.textContent === 'aborted', null, { timeout: 5_000 })
    .catch(async (e) => {
      throw new Error(`shown: ${await text()}`, { cause: e });
    });
  await closed(popup, 5_000);
  assert.equal(page.popups.length, 3, 'one popup per click');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('hidden by <Activity> while pending: the flow is aborted, its popup closes; shown again, the state says aborted', async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  const popup = await clickForPopup(page, '#connect');
  await popup.waitForSelector('#approve');
  await until(page, 'pending', 2_000);
  await page.click('#hide');
  await page.waitForSelector('#hide[data-hidden=true]', { timeout: 2_000 });
  await closed(popup, 5_000).catch(() => {
    throw new Error('hiding the component did not close the popup within 5 s');
  });
  assert.deepEqual(await countsBackTo(page, before), before, 'the aborted flow left something behind');

  await page.click('#hide');
  await page.waitForSelector('#hide[data-hidden=false]', { timeout: 2_000 });
  const r = await until(page, 'error', 2_000);
  assert.equal(r.code, 'aborted', 'the hook is stuck on its aborted flow');
  const log = await appLog(page);
  // Hiding cleaned the effects up; showing ran them again (twice: StrictMode does that too).
  assert.deepEqual(log.effects.slice(0, 4), ['mount', 'unmount', 'mount', 'unmount'], JSON.stringify(log.effects));
  assert.equal(log.effects.at(-1), 'mount');
  assert.deepEqual(log.outcomes, [{ status: 'rejected', code: 'aborted', isConnectError: true, opened: 1 }]);

  const again = await clickForPopup(page, '#connect');
  await again.click('#approve');
  assert.match((await until(page, 'done')).fields.connection_id, /^[0-9a-f-]{36}$/);
  await closed(again, 5_000);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("vendo-connect/react starts with the 'use client' directive, as installed", () => {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  const code = readFileSync(path.join(INSTALLED, 'react.js'), 'utf8');
  assert.match(code, /^["']use client["'];/, 'esbuild dropped or moved the directive');
});

test('useConnect(flow): that flow and cancel, the state says which flow; another name throws invalid_options', async () => {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  // A server render (react-dom/server) runs the hook's render path in Node; no flow starts.
  const require = createRequire(path.join(APP, 'package.json'));
  const { createElement } = require('react');
  const { renderToString } = require('react-dom/server');
  const { useConnect } = await import(pathToFileURL(path.join(INSTALLED, 'react.js')).href);
  const seen = {};
  const One = () => {
    seen.one = useConnect('connect');
    return null;
  };
  const All = () => {
    seen.all = useConnect();
    return null;
  };
  renderToString(createElement('div', null, createElement(One), createElement(All)));
  assert.deepEqual(Object.keys(seen.one).sort(), ['cancel', 'connect', 'error', 'flow', 'result', 'status']);
  assert.deepEqual(Object.keys(seen.all).sort(), [
    'authorize',
    'cancel',
    'connect',
    'error',
    'flow',
    'openConnectLink',
    'result',
    'status',
  ]);
  assert.deepEqual([seen.one.status, seen.one.flow], ['idle', undefined]);
  const Typo = () => {
    useConnect('conect');
    return null;
  };
  assert.throws(
    () => renderToString(createElement(Typo)),
    (e) =>
      e.name === 'ConnectError' &&
      e.code === 'invalid_options' &&
      /'connect', 'authorize' or 'openConnectLink'/.test(e.detail),
  );
});
