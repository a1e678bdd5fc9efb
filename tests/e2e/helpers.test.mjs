// The pure helpers (docs/flows.md#helpers) through the built package, imported as a user would, in
// Chromium: results are plain camelCase data, errors are ConnectError, nothing throws
// where docs/flows.md#helpers says it must not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, harnessPage } from './support.mjs';

let ctx;
let page;
before(async () => {
  ctx = await setup();
  page = await harnessPage(ctx);
});
after(async () => {
  await ctx?.close();
});

test('PKCE and state', async () => {
  const r = await page.evaluate(() => {
    const { generatePkce, pkceChallenge, generateState, ConnectError } = window.sdk;
    const pairs = Array.from({ length: 200 }, () => generatePkce());
    const errors = ['short', 'a'.repeat(129), `${'a'.repeat(43)}+`, 42, null].map((v) => {
      try {
        pkceChallenge(v);
        return 'no error';
      } catch (e) {
        return e instanceof ConnectError ? e.code : String(e);
      }
    });
    return {
      pairs,
      vector: pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      consistent: pairs.every((p) => pkceChallenge(p.codeVerifier) === p.codeChallenge),
      states: Array.from({ length: 200 }, () => generateState()),
      errors,
    };
  });
  assert.equal(r.vector, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  assert.ok(r.consistent);
  assert.ok(r.pairs.every((p) => /^[A-Za-z0-9_-]{43}$/.test(p.codeVerifier) && p.codeChallengeMethod === 'S256'));
  assert.equal(new Set(r.pairs.map((p) => p.codeVerifier)).size, 200);
  assert.ok(r.states.every((s) => /^[A-Za-z0-9_-]{43}$/.test(s)));
  assert.equal(new Set(r.states).size, 200);
  assert.deepEqual(r.errors, Array(5).fill('invalid_options'));
});

test('parseVendoMessage: typed camelCase messages, null for everything else, never throws', async () => {
  const r = await page.evaluate(() => {
    const { parseVendoMessage } = window.sdk;
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const cyclic = { type: 'vendo:oauth:done', provider: 'notion', connection_id: 'c' };
    cyclic.self = cyclic;
    const hostile = [
      undefined,
      null,
      0,
      'vendo:oauth:done',
      [],
      () => {},
      Symbol('x'),
      10n,
      revoked.proxy,
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
      {
        get type() {
          throw new Error('getter');
        },
      },
      { type: 'vendo:oauth:done', provider: 'notion', connection_id: 5 },
      { type: 'vendo:oauth:error' },
    ];
    const out = [];
    for (const h of hostile) {
      try {
        out.push(parseVendoMessage(h));
      } catch (e) {
        out.push(`threw ${e}`);
      }
    }
    return {
      out,
      cyclic: parseVendoMessage(cyclic),
      error: parseVendoMessage({ type: 'vendo:oauth:error', code: 'composio_get_failed', detail: 'x' }),
      ack: parseVendoMessage({ type: 'vendo:connection:ack', connection_id: 'c' }),
    };
  });
  assert.deepEqual(r.out, Array(13).fill(null));
  assert.deepEqual(r.cyclic, {
    type: 'vendo:oauth:done',
    provider: 'notion',
    connectionId: 'c',
    externalId: null,
    displayName: null,
    returnUrl: null,
    state: null,
  });
  assert.deepEqual(r.error, {
    type: 'vendo:oauth:error',
    code: 'composio_get_failed',
    detail: 'x',
    provider: null,
    state: null,
  });
  assert.deepEqual(r.ack, { type: 'vendo:connection:ack', connectionId: 'c' });
});

test('parseVendoMessage: a message posted as JSON text is null, as the flows ignore it (docs/wire.md#messages)', async () => {
  const r = await page.evaluate(() => {
    const done = { type: 'vendo:oauth:done', provider: 'notion', connection_id: 'c' };
    return [
      JSON.stringify(done),
      JSON.stringify({ type: 'vendo:connection:ack', connection_id: 'c' }),
      new String(JSON.stringify(done)),
    ]
      .map((text) => window.sdk.parseVendoMessage(text))
      .concat([window.sdk.parseVendoMessage(done) !== null]);
  });
  assert.deepEqual(r, [null, null, null, true]);
});

test('parseCallbackUrl, validateRedirectUri, sanitizeReturnTo', async () => {
  const r = await page.evaluate(() => {
    const { parseCallbackUrl, validateRedirectUri, sanitizeReturnTo } = window.sdk;
    const code = (f) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e.code;
      }
    };
    const hosts = { allowedHosts: ['app.example.com'] };
    return {
      code: parseCallbackUrl('https://app.example.com/cb?code=a%2Bb&state=s&iss=https%3A%2F%2Fas'),
      link: parseCallbackUrl('https://app.example.com/cb?status=error&error=invalid_hmac&vc_state=v'),
      dup: code(() => parseCallbackUrl('https://app.example.com/cb?state=a&state=b&code=c')),
      none: code(() => parseCallbackUrl('https://app.example.com/cb')),
      notString: code(() => parseCallbackUrl(7)),
      verdicts: [
        'https://app.example.com/cb',
        'http://app.example.com/cb',
        'https://u@app.example.com/cb',
        'https://app.example.com/cb#',
        'https://app.example.com:444/cb',
        'https://evil.com/cb',
        'nope',
      ].map((u) => validateRedirectUri(u, hosts)),
      returnTo: ['/ok/path?x=1', '//evil.com', '/\\evil.com', '/%2F%2Fevil.com', 'https://evil.com', '/%09/x', 12].map(
        (p) => sanitizeReturnTo(p),
      ),
    };
  });
  assert.deepEqual(r.code, { type: 'code', code: 'a+b', state: 's', iss: 'https://as' });
  assert.deepEqual(r.link, { type: 'connect_link_error', error: 'invalid_hmac', vcState: 'v' });
  assert.equal(r.dup, 'invalid_response');
  assert.equal(r.none, 'invalid_response');
  assert.equal(r.notString, 'invalid_response');
  assert.deepEqual(
    r.verdicts.map((v) => v.code),
    [null, 'not_https', 'userinfo', 'fragment', 'non_default_port', 'host_not_allowed', 'invalid_url'],
  );
  assert.equal(r.verdicts[0].ok, true);
  assert.deepEqual(r.returnTo, ['/ok/path?x=1', null, null, null, null, null, null]);
});
