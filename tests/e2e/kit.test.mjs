// vendo-connect/testing itself (docs/testing.md): a COOP header sent by a route-fulfilled
// page really severs the opener in Chromium; the fakes refuse what the protocols refuse; the
// kit's options are checked; the kit file stays out of the browser bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { setup, clickRun, settled } from './support.mjs';
import { installFakes } from '../../pkg/testing.js';

let ctx;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx?.close();
});

const verifier = () => randomBytes(32).toString('base64url');
const challenge = (v) => createHash('sha256').update(v).digest('base64url');

async function kitPage(options) {
  const context = await ctx.browser.newContext();
  const fakes = await installFakes(context, options);
  const page = await context.newPage();
  await page.goto(`${ctx.servers.demoOrigin}/harness.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
  return { context, fakes, page };
}

const oauthOptions = () => ({
  issuer: 'https://auth.example',
  clientId: 'kit-app',
  redirectUris: [`${ctx.servers.demoOrigin}/nowhere`, `${ctx.servers.demoOrigin}/callback.html`],
});

test('a COOP header from a route-fulfilled page severs the opener in Chromium (and without it, does not)', async () => {
  for (const coop of [true, false]) {
    const { context, fakes, page } = await kitPage({ oauth: oauthOptions() });
    fakes.oauth.next({ noAnswer: true, coop });
    const url = `${fakes.oauth.authorizationEndpoint}?${new URLSearchParams({
      response_type: 'code',
      client_id: 'kit-app',
      redirect_uri: `${ctx.servers.demoOrigin}/nowhere`,
      state: 's1',
      code_challenge: challenge(verifier()),
      code_challenge_method: 'S256',
    })}`;
    const popup = await clickRun(page, `window.w = window.open(${JSON.stringify(url)}, '_blank', 'popup=yes')`);
    await popup.waitForURL(/\/__fake\/answer/);
    await popup.waitForLoadState();
    assert.equal(popup.isClosed(), false);
    assert.equal(await popup.evaluate(() => window.opener === null), coop, `window.opener in the popup, coop: ${coop}`);
    await page.waitForFunction((c) => window.w.closed === c, coop, { timeout: 5_000 });
    await context.close();
  }
});

test('OAuth: the fake refuses what a real server refuses, and records what it got', async () => {
  const { context, fakes, page } = await kitPage({ oauth: { ...oauthOptions(), requiredParams: ['collection_id'] } });
  const demo = ctx.servers.demoOrigin;
  const tab = await context.newPage();
  const v = verifier();
  const base = {
    response_type: 'code',
    client_id: 'kit-app',
    redirect_uri: `${demo}/nowhere`,
    state: 's2',
    code_challenge: challenge(v),
    code_challenge_method: 'S256',
    collection_id: 'c1',
  };
  const visit = async (params) => {
    const response = await tab.goto(`${fakes.oauth.authorizationEndpoint}?${new URLSearchParams(params)}`);
    return { status: response.status(), url: new URL(tab.url()) };
  };
  /** Where the authorization endpoint sends the tab back to. */
  const answer = async (params) => {
    await tab.goto(`${fakes.oauth.authorizationEndpoint}?${new URLSearchParams(params)}`);
    await tab.waitForURL((u) => u.origin === demo);
    return new URL(tab.url());
  };
  // No redirect without a known client and a registered redirect URI (RFC 6749 §4.1.2.1).
  assert.equal((await visit({ ...base, client_id: 'someone-else' })).status, 400);
  assert.equal((await visit({ ...base, redirect_uri: `${demo}/nowhere?x=1` })).status, 400);
  // Otherwise, errors go back to the redirect URI, with state and iss.
  const errorOf = async (params) => {
    const url = await answer(params);
    assert.equal(`${url.origin}${url.pathname}`, `${demo}/nowhere`);
    return [url.searchParams.get('error'), url.searchParams.get('state'), url.searchParams.get('iss')];
  };
  const { code_challenge: _c, ...noPkce } = base;
  assert.deepEqual(await errorOf(noPkce), ['invalid_request', 's2', 'https://auth.example']);
  assert.deepEqual(await errorOf({ ...base, code_challenge_method: 'plain' }), [
    'invalid_request',
    's2',
    'https://auth.example',
  ]);
  assert.deepEqual(await errorOf({ ...base, response_type: 'token' }), [
    'unsupported_response_type',
    's2',
    'https://auth.example',
  ]);
  const { collection_id: _i, ...noCollection } = base;
  assert.deepEqual(await errorOf(noCollection), ['invalid_request', 's2', 'https://auth.example']);
  // A good request: a code for this state.
  const url = await answer(base);
  assert.equal(url.searchParams.get('state'), 's2');
  const code = url.searchParams.get('code');
  assert.ok(code);
  const post = (body, type = 'application/x-www-form-urlencoded') =>
    page.evaluate(
      async ([endpoint, b, t]) => {
        const r = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': t }, body: b });
        return { status: r.status, json: await r.json() };
      },
      [
        fakes.oauth.tokenEndpoint,
        type.includes('json') ? JSON.stringify(body) : new URLSearchParams(body).toString(),
        type,
      ],
    );
  const grant = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: `${demo}/nowhere`,
    client_id: 'kit-app',
    code_verifier: v,
  };
  assert.equal(
    (await post({ ...grant, client_secret: 'x' })).json.error,
    'invalid_client',
    'a public client sends no secret',
  );
  assert.equal((await post(grant, 'text/plain')).json.error, 'invalid_request');
  const ok = await post(grant, 'application/json');
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.token_type, 'Bearer');
  // A replay is refused and revokes what the code issued.
  assert.equal((await post(grant)).json.error, 'invalid_grant');
  const refreshed = await post({
    grant_type: 'refresh_token',
    refresh_token: ok.json.refresh_token,
    client_id: 'kit-app',
  });
  assert.equal(refreshed.json.error, 'invalid_grant', 'tokens issued from a replayed code are revoked');
  assert.equal((await post({ grant_type: 'password', client_id: 'kit-app' })).json.error, 'unsupported_grant_type');
  // What the app sent is recorded.
  assert.equal(fakes.oauth.authorizeRequests.at(-1).params.collection_id, 'c1');
  assert.deepEqual(fakes.oauth.tokenRequests.find((r) => r.encoding === 'json').body, grant);
  // A scripted token failure, then normal service again.
  fakes.oauth.nextToken({ error: 'temporarily_unavailable', status: 503 });
  const failed = await post({ grant_type: 'refresh_token', refresh_token: 'nothing', client_id: 'kit-app' });
  assert.deepEqual(failed, { status: 503, json: { error: 'temporarily_unavailable' } });
  await context.close();
});

test('Vendo: the callback page posts to the opener origin only, and records the ack', async () => {
  const { context, fakes, page } = await kitPage({ vendo: 'https://vendo.example/tenant' });
  const events = [];
  await page.exposeFunction('__event', (e) => events.push(e));
  fakes.vendo.next({ noise: true, done: { connectionId: 'c-9', displayName: 'Nine' } });
  await clickRun(
    page,
    `window.record(window.sdk.connect({ baseUrl: 'https://vendo.example/tenant', provider: 'github', appKey: 'ak_1', onEvent: (e) => window.__event(e) }))`,
  );
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.connectionId, 'c-9');
  assert.equal(r.value.provider, 'github');
  const ignored = events.filter((e) => e.kind === 'message_ignored').map((e) => e.detail);
  assert.ok(
    ignored.some((d) => d.includes('https://foreign.example')),
    `the foreign message was ignored: ${ignored}`,
  );
  assert.ok(ignored.length >= 2, `the wrong-state message was ignored too: ${ignored}`);
  assert.equal(fakes.vendo.requests[0].params.app_key, 'ak_1');
  const end = Date.now() + 5_000;
  while (!fakes.vendo.acks.length && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(fakes.vendo.acks, [{ type: 'vendo:connection:ack', connection_id: 'c-9' }]);
  // An unknown provider is Vendo's 404, as the app's popup would show it.
  const tab = await context.newPage();
  const response = await tab.goto('https://vendo.example/tenant/api/oauth/nope/authorize?embed=1&state=s');
  assert.equal(response.status(), 404);
  assert.deepEqual(await response.json(), { error: 'provider_unknown' });
  await context.close();
});

test('OAuth and links: noise from another origin is ignored, the real answer taken', async () => {
  const demo = ctx.servers.demoOrigin;
  const { context, fakes, page } = await kitPage({ oauth: oauthOptions(), links: 'https://links.example' });
  const events = [];
  await page.exposeFunction('__event', (e) => events.push(e));
  fakes.oauth.next({ noise: true });
  await clickRun(
    page,
    `window.record(window.sdk.authorize({ authorizationEndpoint: ${JSON.stringify(fakes.oauth.authorizationEndpoint)},
    clientId: 'kit-app', redirectUri: ${JSON.stringify(`${demo}/callback.html`)}, issuer: 'https://auth.example', onEvent: (e) => window.__event(e) }))`,
  );
  const a = await settled(page);
  assert.equal(a.status, 'resolved', JSON.stringify(a));
  assert.notEqual(a.value.code, 'forged');
  assert.equal(a.value.iss, 'https://auth.example');
  assert.ok(
    events.filter((e) => e.kind === 'message_ignored' && e.detail.includes('https://foreign.example')).length >= 2,
    JSON.stringify(events),
  );
  const link = fakes.links.mint({ redirectUri: `${demo}/callback.html?vc_state=st-link` });
  fakes.links.next({ noise: true, done: { connectionId: 'conn-n' } });
  await clickRun(page, `window.record(window.sdk.openConnectLink(${JSON.stringify(link)}, { state: 'st-link' }))`);
  const l = await settled(page);
  assert.deepEqual(l.value, { tool: 'google_sheets', connectionId: 'conn-n' });
  await context.close();
});

test('closeAfterMs closes the popup as the person would', async () => {
  const { context, fakes, page } = await kitPage({ vendo: 'https://vendo.example' });
  fakes.vendo.next({ closeAfterMs: 1000 }); // a person reads the page first (docs/decisions.md#coop)
  const popup = await clickRun(
    page,
    `window.record(window.sdk.connect({ baseUrl: 'https://vendo.example', provider: 'notion', closedGraceMs: 200 }))`,
  );
  await popup.waitForEvent('close', { timeout: 5_000 });
  assert.equal((await settled(page)).code, 'popup_closed');
  await context.close();
});

test('the kit names the wrong option', async () => {
  const context = { route: async () => {}, unroute: async () => {} };
  await assert.rejects(installFakes({}, {}), /takes a Playwright BrowserContext/);
  await assert.rejects(installFakes(context, {}), /give at least one of vendo, oauth, links/);
  await assert.rejects(installFakes(context, { vendo: 'https://v.example', extra: 1 }), /unknown option "extra"/);
  await assert.rejects(installFakes(context, { vendo: 'ftp://v.example' }), /vendo.baseUrl must be http\(s\)/);
  await assert.rejects(
    installFakes(context, { oauth: { issuer: 'https://a.example', clientId: 'c' } }),
    /oauth.redirectUris/,
  );
  const fakes = await installFakes(context, { vendo: 'https://v.example', links: 'https://l.example' });
  assert.throws(() => fakes.vendo.next({ done: true, denied: true }), /give one of .*not done and denied/);
  assert.throws(() => fakes.vendo.next({ denid: true }), /unknown key "denid"/);
  assert.throws(
    () => fakes.vendo.next({ done: { connection_id: 'x' } }),
    /done takes connectionId, externalId, displayName/,
  );
  assert.throws(() => fakes.vendo.next({ noAnswer: true, afterMs: 5 }), /afterMs delays an answer/);
  assert.throws(() => fakes.links.next({ error: 'made_up' }), /a connect link returns one of/);
  assert.throws(
    () => fakes.links.mint({ redirectUri: 'https://app.example/cb#x' }),
    (e) => e.code === 'INVALID_REDIRECT_URI',
  );
  assert.match(fakes.links.mint({ redirectUri: 'https://app.example/cb' }), /^https:\/\/l\.example\/connect\/cl_/);
});

test('the kit is its own file: not in the browser bundle, in the tarball and exports', () => {
  const pkg = (f) => readFileSync(new URL(`../../pkg/${f}`, import.meta.url), 'utf8');
  assert.doesNotMatch(pkg('index.js'), /installFakes|__fake/);
  const manifest = JSON.parse(pkg('package.json'));
  assert.deepEqual(manifest.exports['./testing'], {
    types: './testing.d.ts',
    import: './testing.js',
    default: './testing.js',
  });
  assert.ok(manifest.files.includes('testing.js') && manifest.files.includes('testing.d.ts'));
  // The in-page kit (docs/testing.md#in-page-runners): a subpath of its own too.
  assert.doesNotMatch(pkg('index.js'), /installPageFakes|__vendo-connect-testing/);
  assert.deepEqual(manifest.exports['./testing/page'], {
    types: './testing-page.d.ts',
    import: './testing-page.js',
    default: './testing-page.js',
  });
  assert.ok(manifest.files.includes('testing-page.js') && manifest.files.includes('testing-page.d.ts'));
  assert.equal(
    pkg('testing-page.js'),
    readFileSync(new URL('../../pkg-template/testing-page.js', import.meta.url), 'utf8'),
  );
});

test("testing.d.ts and testing-page.d.ts have no any and type-check (with Playwright's own types) under --strict", () => {
  const root = new URL('../../', import.meta.url).pathname;
  for (const f of ['testing.d.ts', 'testing-page.d.ts']) {
    const dts = readFileSync(`${root}pkg/${f}`, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(dts, /\bany\b/, f);
  }
  execFileSync(`${root}node_modules/.bin/tsc`, ['-p', `${root}tests/types/tsconfig.testing.json`], { stdio: 'pipe' });
});

test('every code block of docs/testing.md is text a test runs (compared line by line, indentation aside)', () => {
  const read = (f) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
  // Each block's source, in the order of the blocks.
  const sources = [
    ['js', 'examples/connect-app/test/app.test.mjs'],
    ['js', 'examples/vitest-browser/vitest.config.js'],
    ['js', 'examples/vitest-browser/test/app.test.js'],
    ['toml', 'examples/leptos/Cargo.toml'],
    ['rust', 'examples/leptos/src/main.rs'],
    ['rust', 'examples/leptos/src/main.rs'],
  ];
  const lines = (t) =>
    t
      .split('\n')
      .map((l) => l.trim())
      .join('\n');
  const blocks = [...read('docs/testing.md').matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  assert.deepEqual(
    blocks.map((b) => b[1]),
    sources.map(([lang]) => lang),
  );
  for (const [i, [, , code]] of blocks.entries()) {
    const source = sources[i][1];
    const file = lines(read(source));
    for (const chunk of code.trim().split(/\n\s*\n/))
      assert.ok(file.includes(lines(chunk)), `${source} has no\n${chunk}`);
  }
});
