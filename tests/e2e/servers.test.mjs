// The local servers themselves (www/), over plain HTTP with redirect:'manual': they must
// stay faithful to the seeds for the browser suites to mean anything.
// Run: node --test tests/e2e/servers.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServers } from '../../www/server.mjs';

let s;
before(async () => {
  s = await startServers({ demoPort: 0, vendoPort: 0, providerPort: 0, oidcPort: 0 });
});
after(async () => {
  await s?.close();
});

const T = { timeout: 15_000 };
const OPENER = 'http://localhost:8080';
const get = (url, headers = {}) => fetch(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(5_000) });
const post = (url, body, type = 'application/json', headers = {}) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(5_000),
    headers: { 'content-type': type, ...headers },
    body: type === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
/** `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
const jar = (r) =>
  r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
/** The Approve / Deny targets of a consent page (string literals in its inline script). */
function consentTargets(htmlText) {
  const pick = (id) => {
    const m = htmlText.match(
      new RegExp(`getElementById\\('${id}'\\)\\.onclick = \\(\\) => \\{ location\\.href = ("(?:[^"\\\\]|\\\\.)*")`),
    );
    assert.ok(m, `consent page has #${id}`);
    return JSON.parse(m[1]);
  };
  assert.match(htmlText, /<button id="approve"/);
  assert.match(htmlText, /<button id="deny"/);
  return { approve: pick('approve'), deny: pick('deny') };
}
/** The payload a Vendo callback page posts, and the target origin it posts to. */
function callbackPayload(htmlText) {
  const m = htmlText.match(/const payload = (\{.*?\}), openerOrigin = ("[^"]*")/s);
  assert.ok(m, 'callback page carries a payload');
  return { payload: JSON.parse(m[1]), target: JSON.parse(m[2]) };
}
const neverStar = (body) => {
  assert.ok(!/postMessage\([^)]*['"]\*['"]/.test(body), 'never posts to "*"');
  assert.ok(!body.includes("'*'") && !body.includes('"*"'), 'no "*" target anywhere');
};

/** Runs a Vendo flow over HTTP up to the callback page: authorize → (wizard →) consent → callback. */
async function vendoFlow(provider, { mode = '', state = 'st_123', appKey, returnTo, deny = false } = {}) {
  const base = `${s.vendoOrigin}${mode ? `/sim/${mode}` : ''}`;
  const q = new URLSearchParams({ embed: '1', opener_origin: OPENER, state });
  if (appKey) q.set('app_key', appKey);
  if (returnTo) q.set('returnTo', returnTo);
  let r = await get(`${base}/api/oauth/${provider}/authorize?${q}`);
  assert.equal(r.status, 302);
  let cookie = jar(r);
  let loc = new URL(r.headers.get('location'), base);
  if (loc.pathname.includes('/api/oauth/composio/')) {
    r = await get(loc.href); // start, embed without internal=1 → the wizard
    assert.equal(r.status, 302);
    loc = new URL(r.headers.get('location'), base);
    assert.match(loc.pathname, new RegExp(`/connections/connect/${provider}$`));
    const wizard = await (await get(loc.href)).text();
    assert.match(wizard, /id="wizard-connect"/);
    const next = new URL(JSON.parse(wizard.match(/location\.href = ("(?:[^"\\]|\\.)*")/)[1]), base);
    assert.equal(next.searchParams.get('internal'), '1');
    r = await get(next.href);
    assert.equal(r.status, 302);
    cookie = jar(r);
    loc = new URL(r.headers.get('location'), base);
  }
  const consent = await get(loc.href);
  assert.equal(consent.status, 200);
  const { approve, deny: denyUrl } = consentTargets(await consent.text());
  const cb = await get(new URL(deny ? denyUrl : approve, base).href, { cookie });
  return { status: cb.status, body: await cb.text(), cookie, base };
}

// --- Vendo -----------------------------------------------------------------------------

test('Vendo authorize: 302 with two HttpOnly SameSite=Lax state cookies; Composio goes via start', T, async () => {
  const q = new URLSearchParams({ embed: '1', opener_origin: OPENER, state: 'abc' });
  const r = await get(`${s.vendoOrigin}/api/oauth/notion/authorize?${q}`);
  assert.equal(r.status, 302);
  const cookies = r.headers.getSetCookie();
  assert.equal(cookies.length, 2);
  assert.ok(cookies.every((c) => /HttpOnly/.test(c) && /SameSite=Lax/.test(c) && /Max-Age=\d+/.test(c)));
  assert.ok(cookies.some((c) => c.startsWith('vendo_oauth_pending=')));
  assert.ok(cookies.some((c) => /^vendo_oauth_[0-9a-f]{32}=/.test(c)));
  assert.match(r.headers.get('location'), /\/fake-provider\/notion\/authorize\?state=[0-9a-f]{32}$/);

  const composio = await get(`${s.vendoOrigin}/sim/auto_approve/api/oauth/slack/authorize?${q}`);
  assert.equal(composio.status, 302);
  const start = new URL(composio.headers.get('location'), s.vendoOrigin);
  assert.equal(start.pathname, '/sim/auto_approve/api/oauth/composio/slack/start', 'the mode prefix is carried');
  assert.equal(start.searchParams.get('state'), 'abc');
  assert.equal(start.searchParams.get('opener_origin'), OPENER);
  const internal = await get(`${s.vendoOrigin}/api/oauth/composio/slack/start?${q}&internal=1`);
  assert.equal(internal.status, 302);
  assert.match(internal.headers.get('location'), /\/fake-composio\/slack\/authorize\?cstate=/);
  assert.equal(internal.headers.getSetCookie().length, 2);
});

test('Vendo entry answers the documented JSON errors', T, async () => {
  const q = `embed=1&opener_origin=${encodeURIComponent(OPENER)}&state=abc`;
  for (const [path, status, error] of [
    [`/api/oauth/nope/authorize?${q}`, 404, 'provider_unknown'],
    [`/api/oauth/composio/notion/start?${q}`, 404, 'provider_unknown'],
    [`/sim/unauthorized/api/oauth/notion/authorize?${q}`, 401, 'unauthorized'],
    [`/sim/no_tenant/api/oauth/slack/authorize?${q}`, 404, 'no_tenant'],
    [`/sim/encryption_key_unavailable/api/oauth/notion/authorize?${q}`, 500, 'encryption_key_unavailable'],
    [`/sim/oauth_client_config_missing/api/oauth/notion/authorize?${q}`, 500, 'oauth_client_config_missing'],
    [`/sim/client_id_missing/api/oauth/notion/authorize?${q}`, 500, 'NOTION_OAUTH_CLIENT_ID missing'],
  ]) {
    const e = await get(`${s.vendoOrigin}${path}`);
    assert.equal(e.status, status, path);
    assert.match(e.headers.get('content-type'), /application\/json/);
    assert.deepEqual(await e.json(), { error }, path);
    assert.equal(e.headers.getSetCookie().length, 0, 'no cookies on errors');
  }
});

test('Vendo rejects a returnTo that is not a same-origin path', T, async () => {
  const q = `embed=1&opener_origin=${encodeURIComponent(OPENER)}&state=abc`;
  for (const bad of [
    '//evil.com',
    'https://evil.com/x',
    '/\\evil.com',
    '/%2F%2Fevil.com',
    '%2F%2Fevil.com',
    'javascript:alert(1)',
    '/%252F%252Fevil.com',
    'relative/path',
    '/a\u0001b',
    '/%0aX',
  ]) {
    const r = await get(`${s.vendoOrigin}/api/oauth/notion/authorize?${q}&returnTo=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
    assert.equal((await r.json()).error, 'invalid_return_to', bad);
  }
  const ok = await get(
    `${s.vendoOrigin}/api/oauth/notion/authorize?${q}&returnTo=${encodeURIComponent('/connections/notion?tab=1')}`,
  );
  assert.equal(ok.status, 302);
});

test(
  'Vendo consent → callback (first-party): done posted to opener_origin only, connection recorded and bound',
  T,
  async () => {
    await post(`${s.vendoOrigin}/__test/reset`, {});
    const { status, body } = await vendoFlow('notion', { appKey: 'ak_demo', returnTo: '/connections/notion' });
    assert.equal(status, 200);
    neverStar(body);
    const { payload, target } = callbackPayload(body);
    assert.equal(target, OPENER);
    assert.equal(payload.type, 'vendo:oauth:done');
    assert.equal(payload.provider, 'notion');
    assert.equal(payload.state, 'st_123');
    assert.equal(payload.return_url, '/connections/notion');
    assert.match(payload.connection_id, /^[0-9a-f-]{36}$/);
    assert.match(payload.external_id, /^vendo_conn_/);
    assert.equal(typeof payload.display_name, 'string');
    assert.match(body, /vendo:connection:ack/);
    assert.match(body, /e\.origin !== openerOrigin \|\| e\.source !== window\.opener/);
    assert.match(body, /__test\/ack/);
    assert.match(body, /window\.close\(\)/);
    const log = await (await get(`${s.vendoOrigin}/__test/log`)).json();
    assert.equal(log.connections.length, 1);
    assert.equal(log.connections[0].connection_id, payload.connection_id);
    assert.equal(log.connections[0].bound, true);
    assert.ok(log.requests.some((u) => u.includes('/api/oauth/notion/callback')));
    await post(`${s.vendoOrigin}/__test/reset`, {});
    const cleared = await (await get(`${s.vendoOrigin}/__test/log`)).json();
    assert.deepEqual(cleared, { requests: [], acks: [], connections: [] });
  },
);

test('Vendo consent → callback (Composio, via the wizard), return_url null without returnTo', T, async () => {
  const { status, body } = await vendoFlow('google-calendar', { state: 'gc_state' });
  assert.equal(status, 200);
  neverStar(body);
  const { payload } = callbackPayload(body);
  assert.equal(payload.type, 'vendo:oauth:done');
  assert.equal(payload.provider, 'google-calendar');
  assert.equal(payload.state, 'gc_state');
  assert.equal(payload.return_url, null);
});

test('Vendo callback failures post vendo:oauth:error with the documented codes', T, async () => {
  const denied = await vendoFlow('notion', { deny: true });
  assert.equal(denied.status, 400);
  assert.equal(callbackPayload(denied.body).payload.code, 'access_denied');
  assert.equal(callbackPayload(denied.body).payload.state, 'st_123');
  assert.equal(callbackPayload(denied.body).target, OPENER);

  const forced = await vendoFlow('notion', { mode: 'error_db_insert_failed' });
  assert.equal(forced.status, 500);
  assert.deepEqual(
    [callbackPayload(forced.body).payload.type, callbackPayload(forced.body).payload.code],
    ['vendo:oauth:error', 'db_insert_failed'],
  );

  const noCookie = await get(`${s.vendoOrigin}/api/oauth/notion/callback?code=x&state=unknown`);
  assert.equal(noCookie.status, 400);
  const body = await noCookie.text();
  assert.match(body, /oauth_state_invalid/);
  neverStar(body);
  assert.match(await (await get(`${s.vendoOrigin}/api/oauth/notion/callback?state=abc`)).text(), /missing_params/);
  assert.match(await (await get(`${s.vendoOrigin}/api/oauth/composio/slack/callback?code=x`)).text(), /missing_cstate/);

  // A real flow's nonce, but without its cookie: oauth_state_invalid.
  const q = new URLSearchParams({ embed: '1', opener_origin: OPENER, state: 's' });
  const r = await get(`${s.vendoOrigin}/api/oauth/notion/authorize?${q}`);
  const nonce = new URL(r.headers.get('location'), s.vendoOrigin).searchParams.get('state');
  const stolen = await get(`${s.vendoOrigin}/api/oauth/notion/callback?code=x&state=${nonce}`);
  assert.equal(stolen.status, 400);
  assert.equal(callbackPayload(await stolen.text()).payload.code, 'oauth_state_invalid');
});

test('Vendo misbehaviour modes are reachable and carried through the flow', T, async () => {
  assert.equal(callbackPayload((await vendoFlow('notion', { mode: 'wrong_state' })).body).payload.state, 'not-st_123');
  assert.ok(!('state' in callbackPayload((await vendoFlow('notion', { mode: 'omit_state' })).body).payload));
  for (const mode of ['never_post', 'post_twice', 'close_immediately', 'slow_close']) {
    const { status, body } = await vendoFlow('notion', { mode });
    assert.equal(status, 200, mode);
    assert.match(body, new RegExp(`mode = "${mode}"`), mode);
  }
  const spoof = await vendoFlow('slack', { mode: 'spoof_then_done' });
  assert.match(spoof.body, new RegExp(`<iframe src="${s.providerOrigin}/relay\\.html#`));
  assert.match(
    decodeURIComponent(spoof.body.match(/relay\.html#([^"]*)"/)[1].replace(/&#34;/g, '"')),
    /"code":"spoofed"/,
  );

  // wrong_origin: the callback moves the popup to a page on the stand-ins' origin.
  const q = new URLSearchParams({ embed: '1', opener_origin: OPENER, state: 'w' });
  const a = await get(`${s.vendoOrigin}/sim/wrong_origin/api/oauth/notion/authorize?${q}`);
  const consent = await (await get(new URL(a.headers.get('location'), s.vendoOrigin).href)).text();
  const cb = await get(new URL(consentTargets(consent).approve, s.vendoOrigin).href, { cookie: jar(a) });
  assert.equal(cb.status, 302);
  assert.ok(cb.headers.get('location').startsWith(`${s.providerOrigin}/relay.html#`));
  const relay = await get(`${s.providerOrigin}/relay.html`);
  assert.equal(relay.status, 200);

  // auto_approve: the consent page clicks Approve by itself.
  const b = await get(`${s.vendoOrigin}/sim/auto_approve/api/oauth/notion/authorize?${q}`);
  assert.match(
    await (await get(new URL(b.headers.get('location'), s.vendoOrigin).href)).text(),
    /getElementById\("approve"\)\.click\(\)/,
  );
});

test('Vendo accepts ack reports and keeps them in the log', T, async () => {
  await post(`${s.vendoOrigin}/__test/reset`, {});
  const r = await fetch(`${s.vendoOrigin}/sim/slow_close/__test/ack`, {
    method: 'POST',
    body: JSON.stringify({ type: 'vendo:connection:ack', connection_id: 'c1' }),
  });
  assert.equal(r.status, 204);
  assert.deepEqual((await (await get(`${s.vendoOrigin}/__test/log`)).json()).acks, [
    { type: 'vendo:connection:ack', connection_id: 'c1' },
  ]);
});

// --- Stand-ins ---------------------------------------------------------------------------

test('Vendaze: authorize validation, PKCE S256 exchange, single-use codes, rotating refresh, revoke', T, async () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = `${s.demoOrigin}/callback.html`;
  const params = {
    client_id: 'c',
    redirect_uri: redirect,
    response_type: 'code',
    scope: 'people:read deals:write',
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const authorize = (p) => get(`${s.providerOrigin}/vendaze/oauth/authorize?${new URLSearchParams(p)}`);
  for (const bad of [
    { client_id: '' },
    { redirect_uri: 'http://localhost:1/callback.html' },
    { redirect_uri: `${s.demoOrigin}/other.html` },
    { response_type: 'token' },
    { scope: '' },
    { state: '' },
    { code_challenge: '' },
    { code_challenge_method: 'plain' },
  ]) {
    const r = await authorize({ ...params, ...bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  assert.equal((await authorize({ ...params, redirect_uri: `${s.demoOrigin}/callback-coop.html` })).status, 200);
  const newCode = async () => {
    const page = await authorize(params);
    assert.equal(page.status, 200);
    const { approve, deny } = consentTargets(await page.text());
    assert.deepEqual(Object.fromEntries(new URL(deny).searchParams), { error: 'access_denied', state: 's1' });
    const u = new URL(approve);
    assert.equal(u.origin + u.pathname, redirect);
    assert.equal(u.searchParams.get('state'), 's1');
    return u.searchParams.get('code');
  };
  const token = (body, type) => post(`${s.providerOrigin}/vendaze/oauth/token`, body, type);

  const wrong = await token({
    grant_type: 'authorization_code',
    code: await newCode(),
    client_id: 'c',
    redirect_uri: redirect,
    code_verifier: 'x'.repeat(43),
  });
  assert.equal(wrong.status, 400);
  const wrongBody = await wrong.json();
  assert.equal(wrongBody.error, 'invalid_grant');
  assert.equal(typeof wrongBody.error_description, 'string');

  const code = await newCode();
  const good = await token({
    grant_type: 'authorization_code',
    code,
    client_id: 'c',
    redirect_uri: redirect,
    code_verifier: verifier,
  });
  assert.equal(good.status, 200);
  const t1 = await good.json();
  assert.deepEqual(Object.keys(t1).sort(), [
    'access_token',
    'expires_in',
    'refresh_token',
    'token_type',
    'workspace_slug',
  ]);
  assert.equal(t1.token_type, 'Bearer');
  assert.equal(t1.expires_in, 3600);
  assert.equal(t1.workspace_slug, 'acme-corp');
  const reused = await token({
    grant_type: 'authorization_code',
    code,
    client_id: 'c',
    redirect_uri: redirect,
    code_verifier: verifier,
  });
  assert.equal((await reused.json()).error, 'invalid_grant', 'codes are single-use');

  // Form bodies work too.
  const form = await token(
    {
      grant_type: 'authorization_code',
      code: await newCode(),
      client_id: 'c',
      redirect_uri: redirect,
      code_verifier: verifier,
    },
    'application/x-www-form-urlencoded',
  );
  assert.equal(form.status, 200);

  const r2 = await token({ grant_type: 'refresh_token', refresh_token: t1.refresh_token, client_id: 'c' });
  assert.equal(r2.status, 200);
  const t2 = await r2.json();
  assert.notEqual(t2.refresh_token, t1.refresh_token);
  assert.equal(
    (await (await token({ grant_type: 'refresh_token', refresh_token: t1.refresh_token, client_id: 'c' })).json())
      .error,
    'invalid_grant',
    'rotated out',
  );

  for (const body of [{ token: t2.refresh_token, client_id: 'c' }, { token: 'never-issued' }]) {
    assert.equal((await post(`${s.providerOrigin}/vendaze/oauth/revoke`, body)).status, 200);
  }
  assert.equal(
    (await token({ grant_type: 'refresh_token', refresh_token: t2.refresh_token, client_id: 'c' })).status,
    400,
    'revoked',
  );
});

test('Vendaze and Vocobase answer CORS for the demo origin, including preflight', T, async () => {
  const pre = await fetch(`${s.providerOrigin}/vendaze/oauth/token`, {
    method: 'OPTIONS',
    signal: AbortSignal.timeout(5_000),
    headers: {
      origin: s.demoOrigin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), s.demoOrigin);
  assert.match(pre.headers.get('access-control-allow-headers'), /content-type/);
  const r = await post(`${s.providerOrigin}/vendaze/oauth/revoke`, { token: 'x' }, 'application/json', {
    origin: s.demoOrigin,
  });
  assert.equal(r.headers.get('access-control-allow-origin'), s.demoOrigin);
  const other = await post(`${s.providerOrigin}/vendaze/oauth/revoke`, { token: 'x' }, 'application/json', {
    origin: 'http://evil.example',
  });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test(
  'Aimable answers 422 without collection_id and space_id, else a consent page back to redirect_uri',
  T,
  async () => {
    const base = `${s.providerOrigin}/aimable/v1/connectors/oauth/google/authorize`;
    const r = await get(`${base}?state=s`);
    assert.equal(r.status, 422);
    const body = await r.json();
    assert.deepEqual(body.detail[0], {
      loc: ['query', 'collection_id'],
      msg: 'field required',
      type: 'value_error.missing',
    });
    assert.deepEqual(
      body.detail.map((d) => d.loc[1]),
      ['collection_id', 'space_id'],
    );
    const one = await get(`${base}?collection_id=c&state=s`);
    assert.equal(one.status, 422);
    assert.deepEqual(
      (await one.json()).detail.map((d) => d.loc[1]),
      ['space_id'],
    );
    const redirect = `${s.demoOrigin}/callback.html`;
    const ok = await get(
      `${base}?${new URLSearchParams({ collection_id: 'c', space_id: 'sp', redirect_uri: redirect, state: 'aim' })}`,
    );
    assert.equal(ok.status, 200);
    const approve = new URL(consentTargets(await ok.text()).approve);
    assert.equal(approve.origin + approve.pathname, redirect);
    assert.equal(approve.searchParams.get('state'), 'aim');
    assert.ok(approve.searchParams.get('code'));
  },
);

test('Vocobase: mint enforces the redirect_uri rules; hosted page; callback contract; single use', T, async () => {
  const mint = (redirect_uri, tool_slug = 'google_sheets') =>
    post(`${s.providerOrigin}/vocobase/api/v2/customers/c1/connect-links`, { tool_slug, redirect_uri });
  for (const bad of [
    'http://app.example/cb',
    'https://user@localhost/cb',
    'https://localhost/cb#x',
    'https://evil.example/cb',
    'https://app.example:8443/cb',
    'ftp://localhost/cb',
    'not a url',
  ]) {
    const r = await mint(bad);
    assert.equal(r.status, 400, bad);
    const e = await r.json();
    assert.equal(e.error.code, 'INVALID_REDIRECT_URI', bad);
    assert.equal(typeof e.error.message, 'string');
  }
  assert.match((await (await mint('https://app.example:8443/cb')).json()).error.message, /port/);
  for (const ok of ['https://localhost/cb', 'http://localhost:5173/cb', 'http://127.0.0.1:9/cb']) {
    assert.equal((await mint(ok)).ok, true, `${ok}: allowed host, or the loopback exception (http, any port)`);
  }
  assert.equal((await (await mint(`${s.demoOrigin}/callback.html`, '')).json()).error.code, 'INVALID_TOOL_SLUG');

  const redirectUri = `${s.demoOrigin}/callback.html?vc_state=abc&status=stale`;
  const minted = await mint(redirectUri);
  assert.ok(minted.ok);
  const { url, expires_at } = await minted.json();
  assert.ok(url.startsWith(`${s.providerOrigin}/vocobase/connect/`));
  assert.ok(Date.parse(expires_at) > Date.now());
  const page = await (await get(url)).text();
  assert.match(page, /id="approve"/);
  assert.match(page, /id="fail"/);
  const codes = [
    ...page.match(/<select id="error-code">(.*?)<\/select>/s)[1].matchAll(/<option>([a-z_]+)<\/option>/g),
  ].map((m) => m[1]);
  assert.deepEqual(codes, [
    'oauth_denied',
    'customer_archived',
    'invalid_state',
    'tool_not_found',
    'tool_not_available',
    'provider_mismatch',
    'connection_failed',
    'token_smoke_test_failed',
    'invalid_hmac',
  ]);
  const done = await get(`${url}/complete?result=ok`);
  assert.equal(done.status, 302);
  const back = new URL(done.headers.get('location'));
  assert.equal(back.origin + back.pathname, `${s.demoOrigin}/callback.html`);
  assert.equal(back.searchParams.get('status'), 'ok', 'reserved keys overwrite');
  assert.equal(back.searchParams.getAll('status').length, 1);
  assert.equal(back.searchParams.get('vc_state'), 'abc', 'other params are preserved');
  assert.equal(back.searchParams.get('tool'), 'google_sheets');
  assert.ok(back.searchParams.get('connection_id'));
  for (const again of [url, `${url}/complete?result=ok`]) {
    const reuse = new URL((await get(again)).headers.get('location'));
    assert.deepEqual(
      [reuse.searchParams.get('status'), reuse.searchParams.get('error')],
      ['error', 'invalid_state'],
      'single use',
    );
  }

  const { url: url2 } = await (await mint(`${s.demoOrigin}/callback.html`)).json();
  const failed = new URL(
    (await get(`${url2}/complete?result=error&error=token_smoke_test_failed`)).headers.get('location'),
  );
  assert.deepEqual(
    [failed.searchParams.get('status'), failed.searchParams.get('error')],
    ['error', 'token_smoke_test_failed'],
  );
  assert.equal((await get(`${s.providerOrigin}/vocobase/connect/nope`)).status, 404);
});

test('COOP stand-in sends Cross-Origin-Opener-Policy: same-origin on its consent page', T, async () => {
  const redirect = `${s.demoOrigin}/callback-coop.html`;
  const r = await get(
    `${s.providerOrigin}/coop/authorize?${new URLSearchParams({ redirect_uri: redirect, state: 'cs' })}`,
  );
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
  const approve = new URL(consentTargets(await r.text()).approve);
  assert.deepEqual([approve.origin + approve.pathname, approve.searchParams.get('state')], [redirect, 'cs']);
  assert.ok(approve.searchParams.get('code'));
  assert.equal(
    (await get(`${s.providerOrigin}/coop/authorize?redirect_uri=https%3A%2F%2Fevil.example%2F&state=x`)).status,
    400,
  );
});

test('COOP later: /coop-consent signs in without COOP, then its consent page sends it', T, async () => {
  const redirect = `${s.demoOrigin}/callback.html`;
  const r = await get(
    `${s.providerOrigin}/coop-consent/authorize?${new URLSearchParams({ redirect_uri: redirect, state: 'cs' })}`,
  );
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cross-origin-opener-policy'), null);
  const next = JSON.parse(
    (await r.text()).match(/getElementById\('signin'\)\.onclick = \(\) => \{ location\.href = ("[^"]*")/)[1],
  );
  const consent = await get(new URL(next, s.providerOrigin).href);
  assert.equal(consent.headers.get('cross-origin-opener-policy'), 'same-origin');
  const approve = new URL(consentTargets(await consent.text()).approve);
  assert.deepEqual([approve.origin + approve.pathname, approve.searchParams.get('state')], [redirect, 'cs']);
  assert.equal(
    (await get(`${s.providerOrigin}/coop-consent/authorize?redirect_uri=https%3A%2F%2Fevil.example%2F&state=x`)).status,
    400,
  );
});

test('COOP on Vocobase links: coop "every" on the hosted page, coop "consent" on a later consent step', T, async () => {
  const mint = async (coop) =>
    (
      await (
        await post(`${s.providerOrigin}/vocobase/api/v2/customers/c1/connect-links`, {
          tool_slug: 'google_sheets',
          redirect_uri: `${s.demoOrigin}/callback.html?vc_state=v`,
          coop,
        })
      ).json()
    ).url;
  const every = await get(await mint('every'));
  assert.equal(every.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.match(await every.text(), /done\(\{ result: 'ok' \}\)/);
  const url = await mint('consent');
  const hosted = await get(url);
  assert.equal(hosted.headers.get('cross-origin-opener-policy'), null);
  assert.match(await hosted.text(), /location\.pathname \+ '\/consent'/);
  const consent = await get(`${url}/consent`);
  assert.equal(consent.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.match(await consent.text(), /replace\(\/consent\$\/, 'complete\?result=ok'\)/);
  const back = new URL((await get(`${url}/complete?result=ok`)).headers.get('location'));
  assert.deepEqual([back.searchParams.get('status'), back.searchParams.get('vc_state')], ['ok', 'v']);
  const plain = await get(await mint(undefined));
  assert.equal(plain.headers.get('cross-origin-opener-policy'), null);
});

test('Vendo COOP modes, post_string and auto_deny', T, async () => {
  const q = new URLSearchParams({ embed: '1', opener_origin: OPENER, state: 'c' });
  const first = async (mode) => {
    const a = await get(`${s.vendoOrigin}/sim/${mode}/api/oauth/notion/authorize?${q}`);
    return { a, page: await get(new URL(a.headers.get('location'), s.vendoOrigin).href) };
  };
  const every = await first('coop_every');
  assert.equal(every.page.headers.get('cross-origin-opener-policy'), 'same-origin', 'the first page the popup shows');
  const later = await first('coop_consent');
  assert.equal(later.page.headers.get('cross-origin-opener-policy'), null);
  const next = JSON.parse((await later.page.text()).match(/location\.href = ("[^"]*")/)[1]);
  assert.match(next, /^\/sim\/coop_consent\/fake-provider\/notion\/authorize\?.*signed_in=1$/);
  const consent = await get(new URL(next, s.vendoOrigin).href);
  assert.equal(consent.headers.get('cross-origin-opener-policy'), 'same-origin');
  const cb = await get(new URL(consentTargets(await consent.text()).approve, s.vendoOrigin).href, {
    cookie: jar(later.a),
  });
  assert.equal(callbackPayload(await cb.text()).payload.type, 'vendo:oauth:done');

  const str = await vendoFlow('notion', { mode: 'post_string' });
  assert.match(str.body, /mode === 'post_string' \? JSON\.stringify\(payload\)/);
  assert.match(str.body, /mode = "post_string"/);
  const denied = await first('auto_deny');
  assert.match(await denied.page.text(), /getElementById\("deny"\)\.click\(\)/);
});

test("embed.html puts the demo harness in an iframe on the stand-ins' (cross-site) origin", T, async () => {
  const r = await get(`${s.providerOrigin}/embed.html`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), new RegExp(`<iframe id="app" src="${s.demoOrigin}/harness\\.html"`));
  assert.notEqual(new URL(s.providerOrigin).hostname, new URL(s.demoOrigin).hostname);
});

// --- Demo / static server ----------------------------------------------------------------

test('the demo server: origins, MIME types, no-store, callback pages, and nothing outside its roots', T, async () => {
  assert.match(s.demoOrigin, /^http:\/\/localhost:\d+$/);
  assert.match(s.vendoOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(s.providerOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
  for (const [path, type] of [
    ['/', /text\/html/],
    ['/index.html', /text\/html/],
    ['/demo.js', /text\/javascript/],
    ['/style.css', /text\/css/],
    ['/pkg/index.js', /text\/javascript/],
    ['/pkg/vendo_connect_bg.wasm', /^application\/wasm$/],
    ['/pkg/package.json', /application\/json/],
  ]) {
    const r = await get(`${s.demoOrigin}${path}`);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), type, path);
    assert.equal(r.headers.get('cache-control'), 'no-store', path);
    await r.arrayBuffer();
  }
  const cb = await get(`${s.demoOrigin}/callback.html`);
  assert.equal(cb.headers.get('cross-origin-opener-policy'), null);
  const cbText = await cb.text();
  assert.match(cbText, /import \{ completeRedirect \} from '\/pkg\/index\.js'/); // no init(): the package loads itself; one page for both modes
  assert.match(cbText, /Finishing sign-in…/);
  const coop = await get(`${s.demoOrigin}/callback-coop.html`);
  assert.equal(coop.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(await coop.text(), cbText);
  const index = await (await get(`${s.demoOrigin}/`)).text();
  for (const id of [
    'connect-notion',
    'connect-google-calendar',
    'connect-slack',
    'connect-unknown',
    'sim',
    'cancel',
    'pkce-generate',
    'pkce-output',
    'parse-input',
    'parse-output',
    'oauth-signin',
    'hosted-link',
    'log',
    'results',
  ]) {
    assert.match(index, new RegExp(`id="${id}"`), id);
  }
  for (const p of [
    '/../package.json',
    '/%2e%2e/package.json',
    '/pkg/../../Cargo.toml',
    '/%2e%2e%2fCargo.toml',
    '/pkg/%2e%2e/%2e%2e/Cargo.toml',
    '/..%5c..%5cCargo.toml',
    '/%00index.html',
    '/nope.html',
    '/pkg/',
  ]) {
    const r = await get(`${s.demoOrigin}${p}`);
    assert.ok([400, 403, 404].includes(r.status), `${p}: ${r.status}`);
    assert.ok(!(await r.text()).includes('[package]'), p);
  }
});
