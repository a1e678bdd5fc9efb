// Redirect flows end to end (docs/flows.md#authorize–§1.4): authorize() + completeCallback() against a
// real OAuth server (oidc-provider), token calls, hosted connect links, COOP, and the
// Vendaze / Aimable stand-ins. The built package, headless Chromium, popup blocker on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closed } from './harness.mjs';
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

const callback = () => `${ctx.servers.demoOrigin}/callback.html`;

const authorize = (extra = '') => authorizeSrc(oidc, callback(), extra);

test('authorize → login → consent → callback → exchangeCode → refreshToken → revokeToken; the verifier never leaves memory', async () => {
  const page = await harnessPage(ctx);
  const urls = [];
  const bodies = [];
  page.context().on('request', (req) => {
    urls.push(req.url());
    if (req.postData()) bodies.push({ url: req.url(), body: req.postData() });
  });
  await page.evaluate(() => {
    window.seen = [];
    addEventListener('message', (e) => window.seen.push(JSON.stringify(e.data)));
  });
  const popup = await clickRun(page, authorize());
  const popupUrls = [];
  popup.on('framenavigated', (f) => popupUrls.push(f.url()));
  await login(popup);
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  const { code, state, codeVerifier, redirectUri, iss } = r.value;
  assert.ok(code && state && codeVerifier);
  assert.equal(redirectUri, callback());
  assert.equal(iss, oidc.issuer);
  assert.match(codeVerifier, /^[A-Za-z0-9_-]{43}$/);
  await closed(popup, 5_000);

  const authUrl = new URL(urls.find((u) => u.startsWith(oidc.authorizationEndpoint)));
  assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(authUrl.searchParams.get('response_type'), 'code');
  assert.equal(authUrl.searchParams.get('state'), state);

  const tokens = await page.evaluate(
    async ({ ep, id, code, v, ru }) => {
      const t = await window.sdk.exchangeCode({
        tokenEndpoint: ep,
        clientId: id,
        code,
        codeVerifier: v,
        redirectUri: ru,
      });
      const refreshed = await window.sdk.refreshToken({
        tokenEndpoint: ep,
        clientId: id,
        refreshToken: t.refreshToken,
      });
      return { t, refreshed };
    },
    { ep: oidc.tokenEndpoint, id: CLIENT_ID, code, v: codeVerifier, ru: redirectUri },
  );
  assert.equal(tokens.t.tokenType, 'Bearer');
  assert.ok(tokens.t.accessToken && tokens.t.refreshToken && tokens.t.idToken);
  assert.equal(typeof tokens.t.expiresIn, 'number');
  assert.ok(Math.abs(tokens.t.expiresAt - (Date.now() + tokens.t.expiresIn * 1000)) < 60_000);
  assert.notEqual(tokens.refreshed.refreshToken, tokens.t.refreshToken);

  const revoked = await page.evaluate(
    async ({ ep, rev, id, rt }) => {
      await window.sdk.revokeToken({ revocationEndpoint: rev, clientId: id, token: rt });
      return window.sdk.refreshToken({ tokenEndpoint: ep, clientId: id, refreshToken: rt }).then(
        () => 'refreshed',
        (e) => e.code,
      );
    },
    { ep: oidc.tokenEndpoint, rev: oidc.revocationEndpoint, id: CLIENT_ID, rt: tokens.refreshed.refreshToken },
  );
  assert.equal(revoked, 'invalid_grant');
  const replay = await page.evaluate(
    async ({ ep, id, code, v, ru }) =>
      window.sdk.exchangeCode({ tokenEndpoint: ep, clientId: id, code, codeVerifier: v, redirectUri: ru }).then(
        () => 'accepted',
        (e) => e.code,
      ),
    { ep: oidc.tokenEndpoint, id: CLIENT_ID, code, v: codeVerifier, ru: redirectUri },
  );
  assert.equal(replay, 'invalid_grant', 'a code is single-use');

  // The verifier was sent once, in the token request body, and nowhere else.
  for (const u of [...urls, ...popupUrls]) assert.ok(!u.includes(codeVerifier), `verifier in URL ${u}`);
  const seen = await page.evaluate(() => window.seen);
  for (const m of seen) assert.ok(!m.includes(codeVerifier), `verifier in a message: ${m}`);
  const storage = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
  );
  assert.ok(!storage.includes(codeVerifier), 'verifier in storage');
  const cookies = JSON.stringify(await page.context().cookies());
  assert.ok(!cookies.includes(codeVerifier), 'verifier in cookies');
  const withVerifier = bodies.filter((b) => b.body.includes(codeVerifier));
  assert.equal(withVerifier.length, 2, 'only the two token exchange requests carry it');
  assert.ok(withVerifier.every((b) => b.url === oidc.tokenEndpoint));
  await page.close();
});

test('a denied consent rejects with access_denied', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(page, authorize());
  await popup.waitForSelector('input[name=login]');
  await popup.click('text=Cancel');
  const r = await settled(page);
  assert.equal(r.status, 'rejected');
  assert.equal(r.code, 'access_denied');
  await page.close();
});

test('a wrong iss rejects with invalid_response', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(
    page,
    authorize().replace(`issuer: ${JSON.stringify(oidc.issuer)},`, "issuer: 'http://127.0.0.1:1/wrong',"),
  );
  await login(popup);
  const r = await settled(page);
  assert.equal(r.code, 'invalid_response');
  await page.close();
});

test('a tampered state is never accepted', async () => {
  const page = await harnessPage(ctx);
  await page.evaluate(() => {
    window.events = [];
  });
  const popup = await clickRun(
    page,
    authorize("state: 'the-real-state', closedGraceMs: 200, onEvent: (e) => window.events.push(e),"),
  );
  await popup.waitForSelector('input[name=login]');
  // The popup is sent (by a page in it, keeping the opener) to the app's callback with a
  // code and someone else's state.
  await popup.evaluate(
    (u) => {
      location.href = u;
    },
    `${callback()}?code=stolen&state=tampered&iss=${encodeURIComponent(oidc.issuer)}`,
  );
  const r = await settled(page);
  assert.equal(r.code, 'popup_closed', JSON.stringify(r));
  const events = await page.evaluate(() => window.events);
  assert.ok(
    events.some((e) => e.kind === 'message_ignored' && /state/.test(e.detail)),
    JSON.stringify(events),
  );
  await page.close();
});

test('clientSecret and reserved extraParams are refused before any popup opens', async () => {
  const page = await harnessPage(ctx);
  const codes = await page.evaluate(
    async ({ ep, ru }) => {
      const base = { authorizationEndpoint: ep, clientId: 'c', redirectUri: ru };
      const cases = [
        { ...base, clientSecret: 's' },
        { ...base, extraParams: { state: 'x' } },
        { ...base, extraParams: { code_challenge_method: 'plain' } },
        { ...base, extraParams: { redirect_uri: 'https://evil.com' } },
        { ...base, redirectUri: 'http://other.example/cb' },
        { ...base, redirectUri: 'https://other.example/cb#fragment' },
        { ...base, authorizationEndpoint: 'http://as.example/auth' },
      ];
      const out = [];
      for (const c of cases)
        out.push(
          await window.sdk.authorize(c).then(
            () => 'resolved',
            (e) => e.code,
          ),
        );
      out.push(
        await window.sdk
          .exchangeCode({
            tokenEndpoint: ep,
            clientId: 'c',
            code: 'x',
            codeVerifier: 'v',
            redirectUri: ru,
            clientSecret: 's',
          })
          .then(
            () => 'resolved',
            (e) => e.code,
          ),
      );
      return out;
    },
    { ep: oidc.authorizationEndpoint, ru: callback() },
  );
  assert.deepEqual(codes, Array(8).fill('invalid_options'));
  await page.close();
});

test('token helpers: network failure and malformed bodies are typed', async () => {
  const page = await harnessPage(ctx);
  const codes = await page.evaluate(
    async ({ demo }) => {
      const net = await window.sdk
        .exchangeCode({
          tokenEndpoint: 'http://127.0.0.1:9/token',
          clientId: 'c',
          code: 'x',
          codeVerifier: 'v',
          redirectUri: demo,
        })
        .catch((e) => e.code);
      const html = await window.sdk
        .refreshToken({ tokenEndpoint: `${demo}/harness.html`, clientId: 'c', refreshToken: 'r' })
        .catch((e) => e.code);
      return [net, html];
    },
    { demo: ctx.servers.demoOrigin },
  );
  assert.deepEqual(codes, ['network_error', 'invalid_response']);
  await page.close();
});

// COOP on the provider's pages, with default options: tests/e2e/coop.test.mjs.
test('a callback page that itself sends COOP: its answer on the channel arrives within closedGraceMs (default options)', async () => {
  const page = await harnessPage(ctx);
  await page.evaluate(() => {
    window.events = [];
  });
  const popup = await clickRun(
    page,
    `window.record(window.sdk.authorize({
    authorizationEndpoint: ${JSON.stringify(`${ctx.servers.providerOrigin}/vendaze/oauth/authorize`)}, clientId: 'vendaze-client',
    redirectUri: ${JSON.stringify(`${ctx.servers.demoOrigin}/callback-coop.html`)}, scope: 'people:read',
    onEvent: (e) => window.events.push(e.kind) }))`,
  );
  await popup.waitForSelector('#approve');
  await popup.waitForTimeout(600);
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  // Whether the 100 ms poll reads the severed popup closed before the channel's message lands
  // is a race the flow must win either way; coop.test.mjs holds the order where COOP comes first.
  const kinds = await page.evaluate(() => window.events);
  assert.ok(kinds.includes('message_accepted') && !kinds.includes('rejected'), `${kinds}`);
  await closed(popup, 5_000);
  await page.close();
});

test('Vendaze: authorize with PKCE, then a JSON-body exchange keeps workspace_slug in extra', async () => {
  const page = await harnessPage(ctx);
  const p = ctx.servers.providerOrigin;
  const popup = await clickRun(
    page,
    `window.record(window.sdk.authorize({
    authorizationEndpoint: ${JSON.stringify(`${p}/vendaze/oauth/authorize`)}, clientId: 'vendaze-client',
    redirectUri: ${JSON.stringify(callback())}, scope: 'people:read deals:write' }))`,
  );
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  const t = await page.evaluate(
    async ({ p, v }) => {
      const t = await window.sdk.exchangeCode({
        tokenEndpoint: `${p}/vendaze/oauth/token`,
        clientId: 'vendaze-client',
        code: v.code,
        codeVerifier: v.codeVerifier,
        redirectUri: v.redirectUri,
        bodyEncoding: 'json',
      });
      const r2 = await window.sdk.refreshToken({
        tokenEndpoint: `${p}/vendaze/oauth/token`,
        clientId: 'vendaze-client',
        refreshToken: t.refreshToken,
        bodyEncoding: 'json',
      });
      await window.sdk.revokeToken({
        revocationEndpoint: `${p}/vendaze/oauth/revoke`,
        clientId: 'vendaze-client',
        token: r2.refreshToken,
        bodyEncoding: 'json',
      });
      return { t, r2 };
    },
    { p, v: r.value },
  );
  assert.equal(t.t.tokenType, 'Bearer');
  assert.equal(t.t.expiresIn, 3600);
  assert.equal(typeof t.t.extra.workspace_slug, 'string');
  assert.notEqual(t.r2.refreshToken, t.t.refreshToken);
  await page.close();
});

test('Aimable: extra query parameters reach the authorize endpoint', async () => {
  const page = await harnessPage(ctx);
  const p = ctx.servers.providerOrigin;
  const popup = await clickRun(
    page,
    `window.record(window.sdk.authorize({
    authorizationEndpoint: ${JSON.stringify(`${p}/aimable/v1/connectors/oauth/google/authorize`)}, clientId: 'aimable',
    redirectUri: ${JSON.stringify(callback())},
    extraParams: { collection_id: '123e4567-e89b-12d3-a456-426614174000', space_id: '123e4567-e89b-12d3-a456-426614174001' } }))`,
  );
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  await page.close();
});

const mint = () => mintSrc(ctx.servers.providerOrigin, `${callback()}?from=app`);

test('openConnectLink: blank popup now, navigated once minted, vc_state added, status=ok resolves', async () => {
  const page = await harnessPage(ctx);
  const src = mint();
  const popup = await clickRun(page, src);
  await popup.waitForSelector('#approve');
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.tool, 'google_sheets');
  assert.ok(r.value.connectionId);
  const minted = new URL(await page.evaluate(() => window.mintedFor));
  assert.equal(minted.searchParams.get('from'), 'app');
  assert.match(minted.searchParams.get('vc_state'), /^[A-Za-z0-9_-]{43}$/);
  await page.close();
});

test('openConnectLink: every documented error code rejects with that code', async () => {
  const page = await harnessPage(ctx);
  const src = mint();
  for (const code of [
    'oauth_denied',
    'customer_archived',
    'invalid_state',
    'tool_not_found',
    'tool_not_available',
    'provider_mismatch',
    'connection_failed',
    'token_smoke_test_failed',
    'invalid_hmac',
  ]) {
    const popup = await clickRun(page, src);
    await popup.waitForSelector('#error-code');
    await popup.selectOption('#error-code', code);
    await popup.click('#fail');
    const r = await settled(page);
    assert.equal(r.code, code);
  }
  await page.close();
});

test('openConnectLink: a factory that rejects closes the popup and rejects with its own error', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(
    page,
    `window.boom = new Error('backend down'); window.record(window.sdk.openConnectLink(() => Promise.reject(window.boom), { redirectUri: ${JSON.stringify(callback())} }).catch((e) => { window.same = e === window.boom; throw e; }))`,
  );
  await closed(popup, 3_000);
  const r = await settled(page);
  assert.equal(r.status, 'rejected');
  assert.equal(await page.evaluate(() => window.same), true);
  await page.close();
});

test('the callback page strips the address bar first; a response no flow waits for is invalid_state, shown as text', async () => {
  const page = await ctx.browser.newPage();
  await page.goto(`${callback()}?code=c0de&state=s1&iss=x`);
  assert.equal(await page.evaluate(() => window.done), 'invalid_state');
  assert.match(await page.textContent('body'), /^Could not finish: invalid_state/);
  assert.equal(page.url(), callback(), 'the response is gone from the address bar');
  await page.close();
});

test('a callback with a repeated parameter rejects the flow with invalid_response', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(page, authorize("state: 'dup-state',"));
  await popup.waitForSelector('input[name=login]');
  await popup.evaluate((u) => {
    location.href = u;
  }, `${callback()}?code=a&code=b&state=dup-state`);
  const r = await settled(page);
  assert.equal(r.code, 'invalid_response');
  await page.close();
});

test('a callback page on another origin reports back with openerOrigin, checked against redirectUri exactly', async () => {
  const page = await harnessPage(ctx);
  const p = ctx.servers.providerOrigin;
  const cross = `${ctx.servers.demoOrigin.replace('//localhost:', '//127.0.0.1:')}/callback-cross.html`;
  const popup = await clickRun(
    page,
    `window.record(window.sdk.authorize({
    authorizationEndpoint: ${JSON.stringify(`${p}/vendaze/oauth/authorize`)}, clientId: 'vendaze-client',
    redirectUri: ${JSON.stringify(cross)}, scope: 'people:read' }))`,
  );
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.redirectUri, cross);
  await page.close();
});
