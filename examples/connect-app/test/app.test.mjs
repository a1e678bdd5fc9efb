// The app's own tests: every outcome of its three buttons, with real popups in Chromium (popup
// blocker on) and no real provider. Written only against the public kit, vendo-connect/testing;
// the app's code and configuration are the production ones.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chromium } from 'playwright-core';
import { installFakes, clickWithoutUserActivation } from 'vendo-connect/testing';
import { startApp } from '../server.mjs';

let app;
let browser;
let context;
let page;
let fakes;

before(async () => {
  app = await startApp({ port: 0 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    ignoreDefaultArgs: ['--disable-popup-blocking'], // keep the browser's popup blocker on
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});
after(async () => {
  await browser?.close();
  await app?.close();
});

beforeEach(async () => {
  context = await browser.newContext();
  fakes = await installFakes(context, {
    vendo: 'https://vendo.example',
    oauth: { issuer: 'https://auth.example', clientId: 'connect-app', redirectUris: [`${app.origin}/callback.html`] },
    links: 'https://links.vocobase.example',
  });
  // The app's backend mints hosted links server-side, out of the browser's reach: the test answers for it.
  await context.route(`${app.origin}/api/connect-link?*`, (route) => {
    const redirectUri = new URL(route.request().url()).searchParams.get('redirect_uri');
    return route.fulfill({ json: { url: fakes.links.mint({ redirectUri, tool: 'google_sheets' }) } });
  });
  page = await context.newPage();
  await page.goto(app.origin);
});
afterEach(async () => {
  await fakes.uninstall();
  await context.close();
});

/** Waits until the app's status line reads `expected` (a string or a RegExp), and returns it. */
async function status(expected, timeout = 10_000) {
  const source = expected instanceof RegExp ? expected.source : `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  try {
    await page.waitForFunction((s) => new RegExp(s).test(document.querySelector('#status').textContent), source, {
      timeout,
    });
  } catch {
    assert.fail(`the status reads ${JSON.stringify(await page.textContent('#status'))}, expected ${expected}`);
  }
  return page.textContent('#status');
}

test('Connect Notion: done, with what the app sent and the ack', async () => {
  fakes.vendo.next({ done: { displayName: 'Acme Wiki', connectionId: 'conn-1' } });
  await page.click('#connect-notion');
  await status('Connected Acme Wiki (conn-1)');
  const [{ provider, params }] = fakes.vendo.requests;
  assert.equal(provider, 'notion');
  assert.equal(params.embed, '1');
  assert.equal(params.opener_origin, app.origin);
  assert.equal(params.returnTo, '/connections');
  assert.match(params.state, /^[A-Za-z0-9_-]{43}$/);
  await waitFor(() => fakes.vendo.acks.length === 1);
  assert.deepEqual(fakes.vendo.acks, [{ type: 'vendo:connection:ack', connection_id: 'conn-1' }]);
});

test('Connect Notion: denied', async () => {
  fakes.vendo.next({ denied: true });
  await page.click('#connect-notion');
  await status('You declined access.');
});

test('Connect Notion: a Vendo error code and its detail', async () => {
  fakes.vendo.next({ error: 'db_insert_failed', detail: 'the database is read-only' });
  await page.click('#connect-notion');
  await status('Could not connect (db_insert_failed: the database is read-only).');
});

test('Connect Notion: the person closes the popup', async () => {
  fakes.vendo.next({ closeAfterMs: 1000 });
  await page.click('#connect-notion');
  await status('The window was closed before finishing.');
});

test('Connect Notion: the popup blocker refuses the window', async () => {
  await clickWithoutUserActivation(page, '#connect-notion');
  await status('Your browser blocked the window. Allow popups for this site and try again.');
  assert.equal(fakes.vendo.requests.length, 0, 'no flow reached Vendo');
});

test('Connect Notion: no answer ends in the app timeout', async () => {
  fakes.vendo.next({ noAnswer: true });
  await page.click('#connect-notion');
  await status('Connecting Notion…');
  await status('This took too long. Please try again.', 15_000);
});

test('Connect Notion: a late answer is still taken', async () => {
  fakes.vendo.next({ afterMs: 1500, done: { connectionId: 'late-1', displayName: 'Late Wiki' } });
  await page.click('#connect-notion');
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await page.textContent('#status'), 'Connecting Notion…');
  await status('Connected Late Wiki (late-1)');
});

test('Connect Notion: messages from another origin and with a wrong state are ignored', async () => {
  fakes.vendo.next({ noise: true, done: { connectionId: 'real-1', displayName: 'Real Wiki' } });
  await page.click('#connect-notion');
  await status('Connected Real Wiki (real-1)');
});

test('Connect Notion: a provider that severs the opener (COOP) ends in opener_lost', async () => {
  fakes.vendo.next({ coop: true });
  await page.click('#connect-notion');
  await status('The sign-in window lost contact with this page. If you finished there, reload to see the connection.');
});

test('a second click supersedes the pending flow', async () => {
  fakes.vendo.next({ noAnswer: true });
  const [first] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-notion')]);
  await status('Connecting Notion…');
  fakes.links.next({ done: { connectionId: 'conn_2' } });
  await page.click('#connect-sheets');
  await status('Connected google_sheets (conn_2)');
  await waitFor(() => first.isClosed());
});

test('Sign in: done, PKCE checked by the token endpoint', async () => {
  await page.click('#sign-in');
  await status('Signed in (token expires in 3600 s)');
  const [{ params }] = fakes.oauth.authorizeRequests;
  assert.equal(params.response_type, 'code');
  assert.equal(params.client_id, 'connect-app');
  assert.equal(params.redirect_uri, `${app.origin}/callback.html`);
  assert.equal(params.scope, 'openid offline_access');
  assert.equal(params.code_challenge_method, 'S256');
  const [{ encoding, body }] = fakes.oauth.tokenRequests;
  assert.equal(encoding, 'form');
  assert.equal(body.grant_type, 'authorization_code');
  assert.equal(createHash('sha256').update(body.code_verifier).digest('base64url'), params.code_challenge);
});

test('Sign in: denied', async () => {
  fakes.oauth.next({ denied: true });
  await page.click('#sign-in');
  await status('You declined access.');
  assert.equal(fakes.oauth.tokenRequests.length, 0);
});

test('Sign in: the token exchange fails', async () => {
  fakes.oauth.nextToken({ error: 'invalid_grant', detail: 'the code expired' });
  await page.click('#sign-in');
  await status('Could not connect (invalid_grant: the code expired).');
});

test('Sign in: a provider that severs the opener (COOP): the result arrives through the callback page', async () => {
  fakes.oauth.next({ coop: true });
  await page.click('#sign-in');
  await status('Signed in (token expires in 3600 s)');
});

test('Connect Google Sheets: done', async () => {
  fakes.links.next({ done: { connectionId: 'conn_sheets' } });
  await page.click('#connect-sheets');
  await status('Connected google_sheets (conn_sheets)');
});

test('Connect Google Sheets: a hosted link error code', async () => {
  fakes.links.next({ error: 'connection_failed' });
  await page.click('#connect-sheets');
  await status('Could not connect (connection_failed).');
});

/** Polls `ok()` for up to 5 s. */
async function waitFor(ok, timeout = 5_000) {
  const end = Date.now() + timeout;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`still not true after ${timeout} ms: ${ok}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
