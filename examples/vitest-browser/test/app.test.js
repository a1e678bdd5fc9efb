// The app's own tests in Vitest browser mode: every outcome of its three buttons, with real
// popups of the test page's own origin and no real provider or server. Written only against
// the public kit, vendo-connect/testing/page; the app's code is the production one.
import { ready } from 'vendo-connect';
import { installPageFakes } from 'vendo-connect/testing/page';
import { afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { mountApp } from '../src/app.js';

let fakes;
let root;

// The wasm loads before the first click: a flow started earlier opens its popup blank and
// navigates it later, a navigation the in-page kit does not see (docs/testing.md#in-page-runners).
beforeAll(() => ready());

beforeEach(() => {
  fakes = installPageFakes({
    vendo: location.origin,
    oauth: {
      issuer: `${location.origin}/oauth`,
      clientId: 'connect-app',
      redirectUris: [`${location.origin}/callback.html`],
    },
    links: location.origin,
  });
  root = document.createElement('main');
  document.body.append(root);
  mountApp(root, {
    vendo: fakes.vendo.baseUrl,
    auth: { issuer: fakes.oauth.issuer, clientId: 'connect-app' },
    callbackUrl: `${location.origin}/callback.html`,
    // The app's backend mints hosted links: the test answers for it.
    mintLink: (redirectUri) => Promise.resolve(fakes.links.mint({ redirectUri, tool: 'google_sheets' })),
  });
});
afterEach(() => {
  fakes.uninstall();
  root.remove();
});

const click = (id) => userEvent.click(root.querySelector(`#${id}`));
/** Waits until the app's status line reads `expected`. */
const status = (expected, timeout = 5_000) =>
  expect.poll(() => root.querySelector('#status').textContent, { timeout, interval: 20 }).toBe(expected);

test('Connect Notion: done, with what the app sent and the ack', async () => {
  fakes.vendo.next({ done: { displayName: 'Acme Wiki', connectionId: 'conn-1' } });
  await click('connect-notion');
  await status('Connected Acme Wiki (conn-1)');
  const [{ provider, params }] = fakes.vendo.requests;
  expect(provider).toBe('notion');
  expect(params.opener_origin).toBe(location.origin);
  expect(params.returnTo).toBe('/connections');
  await expect.poll(() => fakes.vendo.acks).toEqual([{ type: 'vendo:connection:ack', connection_id: 'conn-1' }]);
});

test('Connect Notion: denied', async () => {
  fakes.vendo.next({ denied: true });
  await click('connect-notion');
  await status('You declined access.');
});

test('Connect Notion: a Vendo error code and its detail', async () => {
  fakes.vendo.next({ error: 'db_insert_failed', detail: 'the database is read-only' });
  await click('connect-notion');
  await status('Could not connect (db_insert_failed: the database is read-only).');
});

test('Connect Notion: the person closes the popup', async () => {
  fakes.vendo.next({ closeAfterMs: 1000 });
  await click('connect-notion');
  await status('The window was closed before finishing.');
});

test('Connect Notion: no answer ends in the app timeout', async () => {
  fakes.vendo.next({ noAnswer: true });
  await click('connect-notion');
  await status('Connecting Notion…');
  await status('This took too long. Please try again.', 10_000);
});

test('Connect Notion: a late answer is still taken', async () => {
  fakes.vendo.next({ afterMs: 1500, done: { connectionId: 'late-1', displayName: 'Late Wiki' } });
  await click('connect-notion');
  await new Promise((r) => setTimeout(r, 800));
  expect(root.querySelector('#status').textContent).toBe('Connecting Notion…');
  await status('Connected Late Wiki (late-1)');
});

test('Connect Notion: messages from another origin and with a wrong state are ignored', async () => {
  const seen = [];
  const record = (e) => seen.push(`${e.origin} ${e.data?.code ?? e.data?.connection_id}`);
  addEventListener('message', record);
  fakes.vendo.next({ noise: true, done: { connectionId: 'real-1', displayName: 'Real Wiki' } });
  await click('connect-notion');
  await status('Connected Real Wiki (real-1)');
  removeEventListener('message', record);
  expect(seen).toEqual(['null spoofed', `${location.origin} real-1`, `${location.origin} real-1`]);
});

test('Connect Notion: the popup blocker refuses a window opened without a click', async () => {
  // Spend the activation of the last click, as an app that awaits before a flow loses it.
  window.open('about:blank', '_blank', 'popup=yes')?.close();
  root.querySelector('#connect-notion').click();
  await status('Your browser blocked the window. Allow popups for this site and try again.');
  expect(fakes.vendo.requests).toHaveLength(0);
});

test('a second click supersedes the pending flow', async () => {
  const popups = [];
  const open = window.open;
  window.open = function (...args) {
    const popup = open.apply(this, args);
    popups.push(popup);
    return popup;
  };
  try {
    fakes.vendo.next({ noAnswer: true });
    await click('connect-notion');
    await status('Connecting Notion…');
    fakes.links.next({ done: { connectionId: 'conn_2' } });
    await click('connect-sheets');
    await status('Connected google_sheets (conn_2)');
    // The first flow ended as superseded: the package closed its popup, and the app says nothing.
    await expect.poll(() => popups[0].closed).toBe(true);
  } finally {
    window.open = open;
  }
});
test('Sign in: done, PKCE checked by the token endpoint', async () => {
  await click('sign-in');
  await status('Signed in (token expires in 3600 s)');
  const [{ params }] = fakes.oauth.authorizeRequests;
  expect(params.client_id).toBe('connect-app');
  expect(params.redirect_uri).toBe(`${location.origin}/callback.html`);
  expect(params.code_challenge_method).toBe('S256');
  const [{ encoding, body }] = fakes.oauth.tokenRequests;
  expect(encoding).toBe('form');
  expect(body.grant_type).toBe('authorization_code');
});

test('Sign in: denied', async () => {
  fakes.oauth.next({ denied: true });
  await click('sign-in');
  await status('You declined access.');
  expect(fakes.oauth.tokenRequests).toHaveLength(0);
});

test('Sign in: the person closes the popup', async () => {
  fakes.oauth.next({ closeAfterMs: 1000 });
  await click('sign-in');
  await status('The window was closed before finishing.');
});

test('Sign in: the token exchange fails', async () => {
  fakes.oauth.nextToken({ error: 'invalid_grant', detail: 'the code expired' });
  await click('sign-in');
  await status('Could not connect (invalid_grant: the code expired).');
});

test('Connect Google Sheets: done', async () => {
  fakes.links.next({ done: { connectionId: 'conn_sheets' } });
  await click('connect-sheets');
  await status('Connected google_sheets (conn_sheets)');
  expect(fakes.links.visits).toHaveLength(1);
});

test('Connect Google Sheets: a hosted link error code', async () => {
  fakes.links.next({ error: 'connection_failed' });
  await click('connect-sheets');
  await status('Could not connect (connection_failed).');
});

test('Connect Google Sheets: the person closes the popup', async () => {
  fakes.links.next({ closeAfterMs: 1000 });
  await click('connect-sheets');
  await status('The window was closed before finishing.');
});

test('Connect Google Sheets: denied', async () => {
  fakes.links.next({ denied: true });
  await click('connect-sheets');
  await status('You declined access.');
});

test('the kit refuses what it cannot fake, naming it', () => {
  expect(() => installPageFakes({ links: true })).toThrow(/installed already/);
  expect(() => fakes.vendo.next({ coop: true })).toThrow(/coop needs a server/);
  expect(() => fakes.vendo.next({ done: true, denied: true })).toThrow(/give one of/);
  expect(() => fakes.links.next({ error: 'made_up' })).toThrow(/a connect link returns one of/);
  expect(() => fakes.links.mint({ redirectUri: 'https://elsewhere.example/cb' })).toThrow(/INVALID_REDIRECT_URI/);
  fakes.uninstall();
  expect(() => installPageFakes({ vendo: 'https://vendo.example' })).toThrow(/this page's origin/);
});
