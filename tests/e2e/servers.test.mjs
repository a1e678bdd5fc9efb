// The local servers themselves (www/), over plain HTTP: they must stay faithful to the
// seeds for the browser suites to mean anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServers } from '../../www/server.mjs';

let s;
before(async () => { s = await startServers({ demoPort: 0, vendoPort: 0, providerPort: 0, oidcPort: 0 }); });
after(async () => { await s?.close(); });

const get = (url) => fetch(url, { redirect: 'manual' });

test('Vendo authorize: 302 with two HttpOnly state cookies, and the documented JSON errors', async () => {
  const q = 'embed=1&opener_origin=http%3A%2F%2Flocalhost%3A8080&state=abc';
  const r = await get(`${s.vendoOrigin}/api/oauth/notion/authorize?${q}`);
  assert.equal(r.status, 302);
  const cookies = r.headers.getSetCookie();
  assert.equal(cookies.length, 2);
  assert.ok(cookies.every((c) => /HttpOnly/.test(c)));
  assert.ok(cookies.some((c) => c.startsWith('vendo_oauth_pending=')));
  const composio = await get(`${s.vendoOrigin}/api/oauth/slack/authorize?${q}`);
  assert.match(composio.headers.get('location'), /\/api\/oauth\/composio\/slack\/start\?/);
  for (const [path, status, error] of [
    [`/api/oauth/nope/authorize?${q}`, 404, 'provider_unknown'],
    [`/sim/unauthorized/api/oauth/notion/authorize?${q}`, 401, 'unauthorized'],
    [`/sim/no_tenant/api/oauth/notion/authorize?${q}`, 404, 'no_tenant'],
    [`/sim/encryption_key_unavailable/api/oauth/notion/authorize?${q}`, 500, 'encryption_key_unavailable'],
  ]) {
    const e = await get(`${s.vendoOrigin}${path}`);
    assert.equal(e.status, status, path);
    assert.deepEqual(await e.json(), { error });
  }
  const bad = await get(`${s.vendoOrigin}/api/oauth/notion/authorize?${q}&returnTo=${encodeURIComponent('//evil.com')}`);
  assert.equal(bad.status, 400);
});

test('Vendo callback without the state cookie is oauth_state_invalid, posted to the exact opener origin', async () => {
  const r = await get(`${s.vendoOrigin}/api/oauth/notion/callback?code=x&state=unknown`);
  assert.equal(r.status, 400);
  const body = await r.text();
  assert.match(body, /oauth_state_invalid/);
  assert.ok(!body.includes("'*'") && !body.includes('"*"'), 'never posts to *');
  assert.match(await (await get(`${s.vendoOrigin}/api/oauth/composio/slack/callback`)).text(), /missing_cstate/);
});

test('Vendaze token endpoint verifies PKCE S256 and rotates refresh tokens', async () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = `${s.demoOrigin}/callback.html`;
  const auth = await get(`${s.providerOrigin}/vendaze/oauth/authorize?${new URLSearchParams({
    client_id: 'c', redirect_uri: redirect, response_type: 'code', scope: 'people:read', state: 's',
    code_challenge: challenge, code_challenge_method: 'S256' })}`);
  assert.equal(auth.status, 200);
  const code = new URL((await auth.text()).match(/"(http[^"]*code=[^"]*)"/)[1]).searchParams.get('code');
  const token = (body) => fetch(`${s.providerOrigin}/vendaze/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const wrong = await token({ grant_type: 'authorization_code', code, client_id: 'c', redirect_uri: redirect, code_verifier: 'x'.repeat(43) });
  assert.equal((await wrong.json()).error, 'invalid_grant');
  const plainPkce = await get(`${s.providerOrigin}/vendaze/oauth/authorize?client_id=c&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=a&state=s&code_challenge=${verifier}&code_challenge_method=plain`);
  assert.equal(plainPkce.status, 400);
});

test('Aimable answers 422 without collection_id and space_id', async () => {
  const r = await get(`${s.providerOrigin}/aimable/v1/connectors/oauth/google/authorize?state=s`);
  assert.equal(r.status, 422);
  const body = await r.json();
  assert.deepEqual(body.detail.map((d) => d.loc[1]), ['collection_id', 'space_id']);
  assert.equal(body.detail[0].type, 'value_error.missing');
});

test('Vocobase mint enforces the redirect_uri rules', async () => {
  const mint = (redirect_uri) => fetch(`${s.providerOrigin}/vocobase/api/v2/customers/c1/connect-links`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tool_slug: 'slack', redirect_uri }) });
  assert.equal((await mint(`${s.demoOrigin}/callback.html`)).status, 201);
  for (const bad of ['http://app.example/cb', 'https://user@localhost/cb', 'https://localhost/cb#x', 'https://evil.example/cb', 'https://app.example:8443/cb']) {
    const r = await mint(bad);
    assert.equal(r.status, 400, bad);
    assert.equal((await r.json()).error.code, 'INVALID_REDIRECT_URI');
  }
});

test('the demo server serves the right MIME types and nothing outside its roots', async () => {
  assert.match((await get(`${s.demoOrigin}/demo.js`)).headers.get('content-type'), /text\/javascript/);
  assert.equal((await get(`${s.demoOrigin}/callback-coop.html`)).headers.get('cross-origin-opener-policy'), 'same-origin');
  for (const p of ['/../package.json', '/%2e%2e/package.json', '/pkg/../../Cargo.toml', '/%2e%2e%2fCargo.toml']) {
    assert.ok([403, 404].includes((await get(`${s.demoOrigin}${p}`)).status), p);
  }
});
