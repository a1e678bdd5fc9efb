// The Leptos example (examples/leptos), clicked through in Chromium with the popup blocker
// on: a real Rust app that calls vendo_connect::browser::{connect, authorize,
// exchange_code, complete_callback} from its click handlers. Build it first with
// `bash scripts/build-examples.sh`; a missing build fails every test here.
//
// Servers: the Vendo server from startServers() (www/server.mjs); the app's dist/ on its own
// loopback origin; and an oidc-provider (www/stand-ins/oidc.mjs) whose client accepts that origin's
// callback page, since startServers()' one only accepts the demo page's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { closed } from './harness.mjs';
import { setup, login, vendoLog, INSTRUMENT } from './support.mjs';
import { DIST, serveDist, startAppOidc } from '../../examples/leptos/serve.mjs';

const REQUIRED = ['index.html', 'callback.html', 'vendo_connect_leptos.js', 'vendo_connect_leptos_bg.wasm'];
const missing = REQUIRED.filter((f) => !existsSync(path.join(DIST, f)));
const NOT_BUILT = missing.length
  ? `examples/leptos/dist is not built (missing ${missing.join(', ')}): run \`bash scripts/build-examples.sh\` first`
  : null;

let ctx;
let app;
let oidc;
before(async () => {
  if (NOT_BUILT) return;
  ctx = await setup();
  app = await serveDist();
  oidc = await startAppOidc(app);
});
after(async () => {
  await oidc?.close();
  await app?.close();
  await ctx?.close();
});

/** The app page, its uncaught errors (a Rust panic surfaces as one) collected. */
async function appPage({ instrument = false } = {}) {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  const page = await ctx.browser.newPage();
  if (instrument) await page.addInitScript(INSTRUMENT);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  const q = new URLSearchParams({ vendo: ctx.servers.vendoOrigin, oidc: oidc.issuer });
  await page.goto(`${app.origin}/?${q}`);
  await page.waitForSelector('#connect-notion', { timeout: 10_000 });
  return page;
}

/** A real click on `selector`, and the popup it opened (none opens without a gesture). */
async function clickForPopup(page, selector) {
  const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), page.click(selector)]);
  return popup;
}

/** Waits for `<output id=…>` to settle; returns its status, code and fields. */
async function outcome(page, id, timeout = 15_000) {
  await page
    .waitForFunction((id) => ['resolved', 'rejected'].includes(document.getElementById(id)?.dataset.status), id, {
      timeout,
    })
    .catch(async (e) => {
      const now = await page.evaluate((id) => document.getElementById(id)?.outerHTML, id);
      throw new Error(`#${id} did not settle: ${now}`, { cause: e });
    });
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const fields = Object.fromEntries(
      [...el.querySelectorAll('[data-field]')].map((f) => [f.dataset.field, f.textContent]),
    );
    return { status: el.dataset.status, code: el.dataset.code ?? null, fields };
  }, id);
}

test('the popup blocker is on: the app page cannot open a window without a click', async () => {
  assert.ok(!NOT_BUILT, NOT_BUILT);
  const page = await ctx.browser.newPage();
  let popups = 0;
  page.on('popup', () => {
    popups += 1;
  });
  // (page.evaluate would run with a user gesture; a load handler has none.)
  await page.addInitScript(() =>
    addEventListener('load', () => {
      window.__opened = window.open('about:blank') !== null;
    }),
  );
  await page.goto(`${app.origin}/`);
  await page.waitForFunction(() => window.__opened !== undefined);
  assert.equal(await page.evaluate(() => window.__opened), false);
  assert.equal(popups, 0);
  await page.close();
});

test('Connect Notion: approve in the popup; the app shows the connection id and name', async () => {
  const page = await appPage();
  const popup = await clickForPopup(page, '#connect-notion');
  await page.waitForSelector('#connect-result[data-status=pending]', { timeout: 2_000 });
  await popup.click('#approve');
  const r = await outcome(page, 'connect-result');
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.match(r.fields.connection_id, /^[0-9a-f-]{36}$/);
  assert.equal(r.fields.display_name, 'Acme Notion Workspace');
  await closed(popup, 5_000);
  const log = await vendoLog(ctx);
  assert.ok(
    log.connections.some((c) => c.connection_id === r.fields.connection_id),
    'the Vendo server made it',
  );
  assert.ok(
    log.acks.some((a) => a.connection_id === r.fields.connection_id),
    'the popup got the ack',
  );
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Connect (deny): the server reports access_denied; the app shows the typed error code', async () => {
  const page = await appPage();
  const popup = await clickForPopup(page, '#connect-deny');
  await popup.click('#approve');
  const r = await outcome(page, 'deny-result');
  assert.equal(r.status, 'rejected', JSON.stringify(r));
  assert.equal(r.code, 'access_denied');
  assert.equal(r.fields.code, 'access_denied');
  await closed(popup, 5_000);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Start and unmount: unmounting the child drops its flow, which closes the popup and leaves nothing pending', async () => {
  const page = await appPage({ instrument: true });
  const before = await page.evaluate(() => window.__counts());
  const connectionsBefore = (await vendoLog(ctx)).connections.length;

  const popup = await clickForPopup(page, '#child-start');
  await popup.waitForSelector('#approve'); // the consent page is up and waiting for a person
  await page.waitForSelector('#child-result[data-status=pending]', { timeout: 2_000 });
  const running = await page.evaluate(() => window.__counts());
  assert.equal(running.openPopups, before.openPopups + 1, JSON.stringify(running));
  assert.ok(
    running.intervals > before.intervals && running.listeners > before.listeners,
    `the flow should be holding a listener and a timer: ${JSON.stringify({ before, running })}`,
  );

  await page.click('#toggle-child');
  await page.waitForSelector('#child-state[data-mounted=false][data-unmounts="1"]', { timeout: 2_000 });
  assert.equal(await page.$('#child-result'), null, 'the child is gone');
  await closed(popup, 5_000).catch(() => {
    throw new Error('unmounting the child (dropping its FlowFuture) did not close the popup within 5 s');
  });

  // Everything the flow held is released: listeners, timers, channels, windows.
  let after;
  const deadline = Date.now() + 5_000;
  do {
    await page.waitForTimeout(100);
    after = await page.evaluate(() => window.__counts());
  } while (Date.now() < deadline && JSON.stringify(after) !== JSON.stringify(before));
  assert.deepEqual(after, before, 'the dropped flow left something behind');
  assert.equal((await vendoLog(ctx)).connections.length, connectionsBefore, 'no connection was made');

  // Mounted again, the child starts a fresh flow that completes normally.
  await page.click('#toggle-child');
  await page.waitForSelector('#child-state[data-mounted=true]', { timeout: 2_000 });
  const again = await clickForPopup(page, '#child-start');
  await again.click('#approve');
  const r = await outcome(page, 'child-result');
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  await closed(again, 5_000);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Sign in with OAuth: login and consent in the popup, callback page, code exchange; tokens received, never shown', async () => {
  const page = await appPage();
  let tokenBody = null;
  page.on('response', async (res) => {
    if (res.url() === `${oidc.issuer}/token` && res.request().method() === 'POST')
      tokenBody = await res.text().catch(() => null);
  });
  const popup = await clickForPopup(page, '#sign-in');
  const popupUrls = [];
  popup.on('framenavigated', (f) => {
    if (f === popup.mainFrame()) popupUrls.push(f.url());
  });
  await login(popup);
  const r = await outcome(page, 'sign-in-result', 20_000);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.fields.access_token, 'received');
  assert.equal(r.fields.refresh_token, 'received');
  assert.equal(r.fields.token_type, 'Bearer');
  assert.equal(r.fields.iss, oidc.issuer);
  assert.ok(Number(r.fields.expires_in) > 0, JSON.stringify(r));
  await closed(popup, 5_000);
  assert.ok(
    popupUrls.some((u) => u.startsWith(app.callbackUrl)),
    `the popup reached the app's callback page: ${popupUrls}`,
  );

  assert.ok(tokenBody, 'the app called the token endpoint');
  const tokens = JSON.parse(tokenBody);
  const html = await page.content();
  for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token].filter(Boolean)) {
    assert.ok(!html.includes(secret), 'a token is shown in the page');
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});
