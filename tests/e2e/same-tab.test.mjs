// Same-tab redirect mode end to end (docs/flows.md#redirect-mode): authorize() against the
// real OAuth server and openConnectLink() against the Vocobase stand-in, through to the
// token exchange; reload, replay, tampered state and expiry; 'auto' under in-app and desktop
// user agents; and the hardening items (what is stored, headers, text rendering, no CSPRNG).
// The built package, headless Chromium with the popup blocker on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, harnessPage, clickRun, settled, login, authorizeSrc, mintSrc } from './support.mjs';
import { CLIENT_ID } from '../../www/stand-ins/oidc.mjs';

let ctx;
let oidc;
before(async () => {
  ctx = await setup();
  oidc = ctx.servers.oidc;
});
after(async () => {
  await ctx?.close();
});

const harness = () => `${ctx.servers.demoOrigin}/harness.html`;
const INSTAGRAM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.40.113 (iPhone14,5; iOS 17_0; en_US)';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

const authorize = (extra = '') => authorizeSrc(oidc, harness(), extra);
const mint = (extra = '') => mintSrc(ctx.servers.providerOrigin, harness(), extra);

/** Waits for the tab to come back to the harness and returns what completeRedirect() gave. */
async function cameBack(page) {
  await page.waitForURL((u) => u.pathname === '/harness.html', { timeout: 15_000 });
  return page.evaluate(() => window.completed);
}

/** Everything the page keeps outside memory: window.name, both storages, cookies. */
async function stored(page) {
  const inPage = await page.evaluate(() => ({
    name: window.name,
    local: { ...localStorage },
    session: { ...sessionStorage },
    cookie: document.cookie,
  }));
  const cookies = await page.context().cookies(ctx.servers.demoOrigin);
  return { ...inPage, cookies };
}

function assertNowhere(secrets, places, what) {
  const text = JSON.stringify(places);
  for (const s of secrets.filter(Boolean)) assert.ok(!text.includes(s), `${what} holds a secret (${s.slice(0, 6)}…)`);
}

test('same-tab authorize: one record, nothing else stored; login → back → code, verifier, appState → tokens; reload is null, replay is invalid_state', async () => {
  const page = await harnessPage(ctx);
  const consoleText = [];
  page.on('console', (m) => consoleText.push(m.text()));
  const appState = { returnTo: '/settings?tab=a&b=ü', list: [1, null, true], nested: { x: 'y' } };

  // First leg turned back at the authorization server's door (answered with a redirect to
  // this same tab's origin, so sessionStorage is the one the flow wrote): what is stored
  // before the tab leaves.
  await page.route(`${oidc.authorizationEndpoint}**`, (r) =>
    r.fulfill({ status: 302, headers: { location: `${harness()}?held=1` } }),
  );
  await clickRun(page, authorize(`mode: 'redirect', appState: ${JSON.stringify(appState)}`), { expectPopup: false });
  await page.waitForURL(`${harness()}?held=1`);
  assert.deepEqual(
    await page.evaluate(() => window.completed),
    { status: 'resolved', value: null },
    'no response in the URL: nothing to finish',
  );
  const before = await stored(page);
  const keys = Object.keys(before.session);
  assert.equal(keys.length, 1, JSON.stringify(before.session));
  assert.match(keys[0], /^vendo-connect:redirect:[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(before.local, {});
  assert.equal(before.cookie, '');
  assert.deepEqual(before.cookies, []);
  assert.equal(before.name, '');
  await page.unroute(`${oidc.authorizationEndpoint}**`);
  await page.evaluate(() => sessionStorage.clear());

  // The whole flow: no popup, this tab goes and comes back.
  const urls = [];
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) urls.push(req.url());
  });
  let popups = 0;
  page.context().on('page', () => {
    popups += 1;
  });
  await clickRun(page, authorize(`mode: 'redirect', appState: ${JSON.stringify(appState)}`), { expectPopup: false });
  await login(page);
  const r = await cameBack(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  const { flow, code, state, codeVerifier, redirectUri, iss, appState: back } = r.value;
  assert.equal(flow, 'authorize');
  assert.deepEqual(back, appState, 'appState comes back as the same JSON value');
  assert.ok(code);
  assert.match(codeVerifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(redirectUri, harness());
  assert.equal(iss, oidc.issuer);
  assert.equal(popups, 0, 'no popup in same-tab mode');
  assert.equal(page.url(), harness(), 'the response is stripped from the address bar');
  const authUrl = new URL(urls.find((u) => u.startsWith(oidc.authorizationEndpoint)));
  assert.equal(authUrl.searchParams.get('state'), state);
  assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(!urls.some((u) => u.includes(codeVerifier)), 'the verifier is in no URL');
  const callbackUrl = urls.find((u) => u.startsWith(harness()) && u.includes('code='));

  const after = await stored(page);
  assert.deepEqual(after.session, {}, 'the record is gone once used');
  const tokens = await page.evaluate(async (o) => window.sdk.exchangeCode(o), {
    tokenEndpoint: oidc.tokenEndpoint,
    clientId: CLIENT_ID,
    code,
    codeVerifier,
    redirectUri,
  });
  assert.equal(tokens.tokenType, 'Bearer');
  assert.ok(tokens.accessToken && tokens.refreshToken);
  const secrets = [code, codeVerifier, tokens.accessToken, tokens.refreshToken, tokens.idToken];
  assertNowhere(secrets, await stored(page), 'storage, cookies or window.name');
  assertNowhere(secrets, consoleText, 'the console');

  // A reload finds the stripped URL: nothing to finish.
  await page.reload();
  assert.deepEqual(await page.evaluate(() => window.completed), { status: 'resolved', value: null });
  // The callback URL loaded again (a replay, or a reload before the strip): used once.
  await page.goto(callbackUrl);
  const replay = await page.evaluate(() => window.completed);
  assert.equal(replay.status, 'rejected');
  assert.equal(replay.code, 'invalid_state');
  assert.ok(!JSON.stringify(replay).includes(codeVerifier));
  assert.equal(page.url(), harness());
  assertNowhere(secrets, consoleText, 'the console');
  await page.close();
});

test('same-tab authorize: a tampered state and an expired record are typed errors that never return a verifier', async () => {
  const page = await harnessPage(ctx);
  const urls = [];
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) urls.push(req.url());
  });

  // Tampered: the flow is pending, a response arrives with another state.
  await clickRun(page, authorize(`mode: 'redirect'`), { expectPopup: false });
  await page.waitForURL((u) => u.href.startsWith(oidc.issuer));
  const state = new URL(urls.find((u) => u.startsWith(oidc.authorizationEndpoint))).searchParams.get('state');
  const iss = encodeURIComponent(oidc.issuer);
  await page.goto(`${harness()}?code=stolen&state=${state}x&iss=${iss}`);
  let r = await page.evaluate(() => window.completed);
  assert.deepEqual([r.status, r.code], ['rejected', 'invalid_state']);
  assert.equal(
    Object.keys(await page.evaluate(() => ({ ...sessionStorage }))).length,
    1,
    'the real flow is still pending',
  );
  // The right state with a wrong iss: the record is used up by the attempt, and rejected.
  await page.goto(`${harness()}?code=stolen&state=${state}&iss=${encodeURIComponent('http://evil.example')}`);
  r = await page.evaluate(() => window.completed);
  assert.deepEqual([r.status, r.code], ['rejected', 'invalid_response']);
  assert.deepEqual(await page.evaluate(() => ({ ...sessionStorage })), {});

  // Expired: timeoutMs passes while the person is on the sign-in page.
  await clickRun(page, authorize(`mode: 'redirect', timeoutMs: 1000`), { expectPopup: false });
  await page.waitForURL((u) => u.href.startsWith(oidc.issuer));
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  await login(page);
  r = await cameBack(page);
  assert.deepEqual([r.status, r.code], ['rejected', 'timeout'], JSON.stringify(r));
  assert.ok(!('value' in r));
  assert.deepEqual(await page.evaluate(() => ({ ...sessionStorage })), {});

  // An abandoned flow's expired record is swept by the next completeRedirect().
  await page.evaluate(() =>
    sessionStorage.setItem('vendo-connect:redirect:old', 'flow=authorize&state=old&redirect_uri=x&expires_at=1'),
  );
  await page.evaluate(() => sessionStorage.setItem('app-owned', 'kept'));
  await page.goto(`${harness()}?code=c&state=other`);
  assert.equal((await page.evaluate(() => window.completed)).code, 'invalid_state');
  assert.deepEqual(await page.evaluate(() => ({ ...sessionStorage })), { 'app-owned': 'kept' });
  await page.close();
});

test('same-tab connect link: the link function is awaited, the tab goes to Vocobase and comes back with tool and appState', async () => {
  const page = await harnessPage(ctx);
  const src = mint(`mode: 'redirect', appState: { step: 3 }`);
  await clickRun(page, src, { expectPopup: false });
  await page.waitForSelector('#approve');
  assert.ok(page.url().startsWith(`${ctx.servers.providerOrigin}/vocobase/connect/`));
  await page.click('#approve');
  const r = await cameBack(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.flow, 'connectLink');
  assert.equal(r.value.tool, 'google_sheets');
  assert.match(r.value.connectionId, /^conn_/);
  assert.deepEqual(r.value.appState, { step: 3 });
  assert.equal(page.url(), harness());

  // An error code comes back typed.
  await clickRun(page, src, { expectPopup: false });
  await page.waitForSelector('#fail');
  await page.selectOption('#error-code', 'oauth_denied');
  await page.click('#fail');
  const e = await cameBack(page);
  assert.deepEqual([e.status, e.code], ['rejected', 'oauth_denied']);

  // A link string must say which vc_state its redirect URI carries.
  await clickRun(page, `window.record(window.sdk.openConnectLink('https://connect.example/l', { mode: 'redirect' }))`, {
    expectPopup: false,
  });
  const bad = await settled(page);
  assert.deepEqual([bad.status, bad.code], ['rejected', 'invalid_options']);
  assert.match(bad.detail, /state/);
  await page.close();
});

test("'auto' under an in-app user agent navigates this tab; connect() rejects popup_unsupported; popupSupport() says why", async () => {
  const context = await ctx.browser.newContext({ userAgent: INSTAGRAM });
  const page = await harnessPage({ ...ctx, browser: context });
  assert.deepEqual(await page.evaluate(() => window.sdk.popupSupport()), {
    popup: false,
    reason: "Instagram's in-app browser",
  });
  let popups = 0;
  context.on('page', () => {
    popups += 1;
  });
  await clickRun(
    page,
    `window.record(window.sdk.connect({ baseUrl: ${JSON.stringify(ctx.servers.vendoOrigin)}, provider: 'notion', mode: 'auto' }))`,
    { expectPopup: false },
  );
  const c = await settled(page);
  assert.deepEqual([c.status, c.code], ['rejected', 'popup_unsupported']);
  assert.match(c.detail, /Instagram/);
  await clickRun(
    page,
    `window.record(window.sdk.connect({ baseUrl: ${JSON.stringify(ctx.servers.vendoOrigin)}, provider: 'notion', mode: 'redirect' }))`,
    { expectPopup: false },
  );
  const c2 = await settled(page);
  assert.deepEqual([c2.status, c2.code], ['rejected', 'invalid_options']);
  assert.match(c2.detail, /window\.opener/);

  await clickRun(page, authorize(`mode: 'auto', appState: 'in-app'`), { expectPopup: false });
  await login(page);
  const r = await cameBack(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.appState, 'in-app');
  assert.equal(popups, 0, 'no popup was opened');
  await context.close();
});

test("'auto' under a desktop user agent opens a popup; an iOS home-screen app is recognised", async () => {
  const context = await ctx.browser.newContext({ userAgent: DESKTOP });
  const page = await harnessPage({ ...ctx, browser: context });
  assert.deepEqual(await page.evaluate(() => window.sdk.popupSupport()), { popup: true, reason: null });
  const popup = await clickRun(page, authorize(`mode: 'auto'`));
  await login(popup);
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.ok(r.value.code && r.value.codeVerifier && !('flow' in r.value), 'the popup result, as before');
  assert.equal(page.url(), harness(), 'this tab stayed');
  await context.close();

  const ios = await ctx.browser.newContext({
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  });
  await ios.addInitScript(() => Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true }));
  const p2 = await harnessPage({ ...ctx, browser: ios });
  assert.deepEqual(await p2.evaluate(() => window.sdk.popupSupport()), {
    popup: false,
    reason: 'an iOS home-screen web app',
  });
  await ios.close();
});

test('redirect-mode options are checked before the tab leaves', async () => {
  const page = await harnessPage(ctx);
  const cases = [
    [authorize(`mode: 'sideways'`), 'invalid_options', /mode/],
    [authorize(`mode: 'redirect', appState: () => 1`), 'invalid_options', /appState/],
    [authorize(`mode: 'redirect', appState: 10n`), 'invalid_options', /appState/],
    [
      authorize(`mode: 'redirect', appState: (() => { const o = {}; o.o = o; return o; })()`),
      'invalid_options',
      /appState/,
    ],
    [authorize(`mode: 'redirect', clientSecret: 's'`), 'invalid_options', /clientSecret/],
    [authorize(`mode: 'redirect', timeoutMs: -1`), 'invalid_options', /timeoutMs/],
    [authorize(`mode: 'redirect', mode: 7`), 'invalid_options', /mode/],
  ];
  for (const [src, code, detail] of cases) {
    await clickRun(page, src, { expectPopup: false });
    const r = await settled(page);
    assert.deepEqual([r.status, r.code], ['rejected', code], src);
    assert.match(r.detail, detail, src);
  }
  assert.equal(page.url(), harness(), 'the tab never left');
  assert.deepEqual(await page.evaluate(() => ({ ...sessionStorage })), {});
  await page.close();
});

test('without crypto.getRandomValues every flow and generator fails with crypto_unavailable, opening nothing', async () => {
  const context = await ctx.browser.newContext();
  await context.addInitScript(() => {
    delete Crypto.prototype.getRandomValues;
  });
  const page = await harnessPage({ ...ctx, browser: context });
  assert.equal(await page.evaluate(() => typeof crypto.getRandomValues), 'undefined');
  let opened = 0;
  context.on('page', () => {
    opened += 1;
  });
  const flows = [
    `window.record(window.sdk.connect({ baseUrl: ${JSON.stringify(ctx.servers.vendoOrigin)}, provider: 'notion' }))`,
    authorize(),
    authorize(`mode: 'redirect'`),
    authorize(`pkce: false`),
    mint(),
    mint(`mode: 'redirect'`),
  ];
  for (const src of flows) {
    await clickRun(page, src, { expectPopup: false });
    const r = await settled(page);
    assert.deepEqual([r.status, r.code], ['rejected', 'crypto_unavailable'], src);
  }
  for (const helper of ['generatePkce', 'generateState']) {
    const code = await page.evaluate((h) => {
      try {
        window.sdk[h]();
        return 'returned';
      } catch (e) {
        return e.code;
      }
    }, helper);
    assert.equal(code, 'crypto_unavailable', helper);
  }
  assert.equal(opened, 0, 'no popup opened');
  assert.equal(page.url(), harness(), 'the tab never left');
  assert.deepEqual(await page.evaluate(() => ({ ...sessionStorage })), {});
  await context.close();
});

test('popup mode stores nothing either: no secret in window.name, storage, cookies or the console', async () => {
  const page = await harnessPage(ctx);
  const consoleText = [];
  page.on('console', (m) => consoleText.push(m.text()));
  page.context().on('page', (p) => p.on('console', (m) => consoleText.push(m.text())));
  const popup = await clickRun(page, authorizeSrc(oidc, `${ctx.servers.demoOrigin}/callback.html`));
  const popupName = await popup.evaluate(() => window.name);
  await login(popup);
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  const tokens = await page.evaluate(async (o) => window.sdk.exchangeCode(o), {
    tokenEndpoint: oidc.tokenEndpoint,
    clientId: CLIENT_ID,
    code: r.value.code,
    codeVerifier: r.value.codeVerifier,
    redirectUri: r.value.redirectUri,
  });
  const secrets = [r.value.code, r.value.codeVerifier, tokens.accessToken, tokens.refreshToken];
  const places = await stored(page);
  assert.deepEqual(places.session, {});
  assertNowhere(secrets, { ...places, popupName }, 'storage, cookies or window.name');
  assertNowhere(secrets, consoleText, 'the console');
  await page.close();
});

test('redirect pages are sent with no-referrer and no-store, and load nothing from another origin', async () => {
  for (const path of ['/callback.html', '/callback-coop.html', '/', '/harness.html']) {
    const res = await fetch(`${ctx.servers.demoOrigin}${path}`);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.equal(res.headers.get('cache-control'), 'no-store', path);
    const html = await res.text();
    for (const [, url] of html.matchAll(/(?:src|href)=["']([^"']+)["']/g)) {
      assert.ok(url.startsWith('/') && !url.startsWith('//'), `${path} loads ${url}`);
    }
  }
  // The callback page really loads nothing from elsewhere while it runs.
  const page = await ctx.browser.newPage();
  const requested = [];
  page.on('request', (req) => requested.push(req.url()));
  await page.goto(`${ctx.servers.demoOrigin}/callback.html?code=x&state=y`);
  await page.evaluate(() => window.done);
  assert.ok(
    requested.every((u) => u.startsWith(ctx.servers.demoOrigin)),
    requested.join('\n'),
  );
  await page.close();
});

test('the callback page fetches the wasm alongside the module, each once (its preload links are used)', async () => {
  const context = await ctx.browser.newContext(); // an empty HTTP cache
  const page = await context.newPage();
  const requested = [];
  page.on('request', (req) => requested.push(new URL(req.url()).pathname));
  await page.goto(`${ctx.servers.demoOrigin}/callback.html?code=x&state=y`);
  await page.evaluate(() => window.done);
  const count = (p) => requested.filter((r) => r === p).length;
  assert.equal(count('/pkg/index.js'), 1, requested.join('\n'));
  assert.equal(
    count('/pkg/vendo_connect_bg.wasm'),
    1,
    `the preloaded wasm is the one instantiated: ${requested.join(', ')}`,
  );
  const started = await page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType('resource')
        .map((r) => [new URL(r.name).pathname, { start: r.startTime, end: r.responseEnd }]),
    ),
  );
  const [js, wasm] = [started['/pkg/index.js'], started['/pkg/vendo_connect_bg.wasm']];
  assert.ok(wasm.start < js.end, `the wasm request starts before the module has arrived: ${JSON.stringify(started)}`);
  await context.close();
});

/** The demo page, told where the local servers are. */
async function demoPage(context = ctx.browser) {
  const page = await context.newPage();
  const q = new URLSearchParams({
    vendo: ctx.servers.vendoOrigin,
    provider: ctx.servers.providerOrigin,
    oidc: oidc.issuer,
  });
  await page.goto(`${ctx.servers.demoOrigin}/?${q}`);
  await page.waitForSelector('#log li[data-kind=ready]');
  return { page, q };
}

test('demo: the same-tab switch signs in and links in this tab, showing the appState that came back', async () => {
  const { page, q } = await demoPage();
  await page.check('#same-tab');
  await page.click('#oauth-signin');
  await login(page);
  await page.waitForSelector('.result-card >> text=Signed in (OAuth 2.1 + PKCE)', { timeout: 15_000 });
  const back = await page.textContent('.result-card:has-text("Back from the same-tab flow")');
  assert.match(back, /"what":"oauth-signin"/);
  assert.equal(page.url(), `${ctx.servers.demoOrigin}/?${q}`, 'appState brought the page back to where it was');

  await page.check('#same-tab');
  await page.click('#hosted-link');
  await page.waitForSelector('#approve');
  await page.click('#approve');
  await page.waitForSelector('.result-card >> text=Linked google_sheets', { timeout: 15_000 });
  assert.match(await page.textContent('.result-card:has-text("Back from the same-tab flow")'), /"what":"hosted-link"/);
  await page.close();
});

test('demo: server strings (error_description, Vendo details and names) are rendered as text, never as HTML', async () => {
  const markup = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  let { page } = await demoPage();
  // error_description from the redirect: a same-tab sign-in whose response is an OAuth error.
  const urls = [];
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) urls.push(req.url());
  });
  await page.check('#same-tab');
  await page.click('#oauth-signin');
  await page.waitForURL((u) => u.href.startsWith(oidc.issuer));
  const auth = new URL(urls.find((u) => u.startsWith(oidc.authorizationEndpoint)));
  const back = new URL(auth.searchParams.get('redirect_uri'));
  back.search = new URLSearchParams({
    error: 'access_denied',
    error_description: markup,
    state: auth.searchParams.get('state'),
    iss: oidc.issuer,
  });
  await page.goto(back.href);
  await page.waitForSelector('.error-card');
  assert.ok((await page.textContent('.error-card')).includes(markup), 'the description is shown, as text');
  assert.equal(await page.evaluate(() => document.querySelectorAll('#results img, #results b').length), 0);
  await page.close();

  // Vendo: an error detail and a display name carrying markup.
  ({ page } = await demoPage());
  for (const [sim, shown] of [
    ['html_detail', '.error-card'],
    ['html_name', '.result-card'],
  ]) {
    await page.selectOption('#sim', sim);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-notion')]);
    await popup.waitForSelector('#approve');
    await popup.click('#approve');
    await page.waitForFunction(
      (s) =>
        document.querySelectorAll(`${s}`).length > 0 &&
        [...document.querySelectorAll(s)].some((e) => e.textContent.includes('<b>bold</b>')),
      shown,
      { timeout: 10_000 },
    );
  }
  assert.equal(
    await page.evaluate(() => document.querySelectorAll('#results img, #results b, #log img, #log b').length),
    0,
  );
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.close();
});
