// Errors that teach (docs/decisions.md#unknown-options), through the built package in
// Chromium: a missing option is named as missing before any other check, an unknown option is
// refused in every flow and helper that takes options, with the nearest known name, a wrong
// argument shape is `invalid_options`, and `ConnectError` keeps its name through the minifier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup, harnessPage, clickRun } from './support.mjs';

let ctx;
let page;
before(async () => {
  ctx = await setup();
  page = await harnessPage(ctx);
});
after(async () => {
  await ctx?.close();
});

/** Runs each case (source of an expression, a promise or a throwing call) in the page: its `code` and `detail`. */
const outcomes = (cases) =>
  page.evaluate(
    async ({ cases, vendo }) => {
      const sdk = window.sdk;
      const out = {};
      for (const [name, src] of Object.entries(cases)) {
        try {
          await new Function('sdk', 'vendo', `return (${src});`)(sdk, vendo);
          out[name] = 'no error';
        } catch (e) {
          out[name] = e instanceof sdk.ConnectError ? `${e.code}: ${e.detail}` : `not a ConnectError: ${e}`;
        }
      }
      return out;
    },
    { cases, vendo: ctx.servers.vendoOrigin },
  );

test('a missing required option is named as missing, before any format or type check', async () => {
  const r = await outcomes({
    empty: 'sdk.connect({})',
    none: 'sdk.connect()',
    provider: 'sdk.connect({ baseUrl: vendo })',
    // A wrong type and a bad format elsewhere do not hide what is missing.
    first: "sdk.connect({ provider: 'Not a slug!', timeoutMs: 'soon' })",
    authorize:
      "sdk.authorize({ authorizationEndpoint: 'https://as.example/auth', redirectUri: 'https://app.example/cb' })",
    link: 'sdk.openConnectLink()',
    exchange:
      "sdk.exchangeCode({ tokenEndpoint: 'https://as.example/t', clientId: 'c', code: 'x', redirectUri: 'https://app.example/cb' })",
    refresh: "sdk.refreshToken({ clientId: 'c', refreshToken: 'r' })",
    revoke: "sdk.revokeToken({ revocationEndpoint: 'https://as.example/r', clientId: 'c' })",
    hosts: "sdk.validateRedirectUri('https://app.example/cb', {})",
    hostsAbsent: "sdk.validateRedirectUri('https://app.example/cb')",
    // Present but of the wrong type is not "missing".
    typed: "sdk.connect({ baseUrl: 42, provider: 'notion' })",
  });
  assert.deepEqual(r, {
    empty: 'invalid_options: baseUrl is required',
    none: 'invalid_options: baseUrl is required',
    provider: 'invalid_options: provider is required',
    first: 'invalid_options: baseUrl is required',
    authorize: 'invalid_options: clientId is required',
    link: 'invalid_options: link is required',
    exchange: 'invalid_options: codeVerifier is required',
    refresh: 'invalid_options: tokenEndpoint is required',
    revoke: 'invalid_options: token is required',
    hosts: 'invalid_options: allowedHosts is required',
    hostsAbsent: 'invalid_options: allowedHosts is required',
    typed: 'invalid_options: baseUrl must be a string',
  });
});

test('an unknown option is refused in every flow and helper, with the nearest known name', async () => {
  const auth = "authorizationEndpoint: 'https://as.example/auth', clientId: 'c', redirectUri: 'https://app.example/cb'";
  const r = await outcomes({
    baseURL: "sdk.connect({ baseURL: vendo, provider: 'notion' })",
    timeout: "sdk.connect({ baseUrl: vendo, provider: 'notion', timeout: 5000 })",
    client_id:
      "sdk.authorize({ authorizationEndpoint: 'https://as.example/auth', client_id: 'c', redirectUri: 'https://app.example/cb' })",
    scopes: `sdk.authorize({ ${auth}, scopes: ['openid'] })`,
    popup: "sdk.connect({ baseUrl: vendo, provider: 'notion', popup: { widht: 400 } })",
    link: "sdk.openConnectLink('https://link.example/x', { redirectURI: 'https://app.example/cb' })",
    redirect: "sdk.completeRedirect({ openerOrign: 'https://app.example' })",
    callback: 'sdk.completeCallback({ ackTimeout: 500 })',
    exchange:
      "sdk.exchangeCode({ tokenEndpoint: 'https://as.example/t', clientId: 'c', code: 'x', code_verifier: 'v', redirectUri: 'https://app.example/cb' })",
    refresh: "sdk.refreshToken({ tokenEndpoint: 'https://as.example/t', clientId: 'c', refresh_token: 'r' })",
    revoke: "sdk.revokeToken({ revocationEndpoint: 'https://as.example/r', clientId: 'c', tokn: 't' })",
    hosts: "sdk.validateRedirectUri('https://app.example/cb', { allowedHost: ['app.example'] })",
    // Nothing near: no suggestion. `name` is 2 edits from `mode`, too far for a 4-letter key.
    far: "sdk.connect({ baseUrl: vendo, provider: 'notion', colour: 'red' })",
    name: "sdk.connect({ baseUrl: vendo, provider: 'notion', name: 'x' })",
    // Refused whatever its value, also undefined.
    undef: "sdk.connect({ baseUrl: vendo, provider: 'notion', timeout: undefined })",
    // An option of another flow is unknown here.
    appState: "sdk.connect({ baseUrl: vendo, provider: 'notion', appState: 1 })",
    // Inherited enumerable keys count (the React hook passes Object.create(yours, { signal })).
    inherited:
      "sdk.connect(Object.create({ baseUrl: vendo, provider: 'notion', timeout: 1 }, { signal: { value: new AbortController().signal, enumerable: true } }))",
    // Unknown comes first: before a missing option and before a wrong type.
    order: "sdk.connect({ baseURL: vendo, timeoutMs: 'soon' })",
  });
  assert.deepEqual(r, {
    baseURL: 'invalid_options: unknown option baseURL: did you mean baseUrl?',
    timeout: 'invalid_options: unknown option timeout: did you mean timeoutMs?',
    client_id: 'invalid_options: unknown option client_id: did you mean clientId?',
    scopes: 'invalid_options: unknown option scopes: did you mean scope?',
    popup: 'invalid_options: unknown option widht: did you mean width?',
    link: 'invalid_options: unknown option redirectURI: did you mean redirectUri?',
    redirect: 'invalid_options: unknown option openerOrign: did you mean openerOrigin?',
    callback: 'invalid_options: unknown option ackTimeout: did you mean ackTimeoutMs?',
    exchange: 'invalid_options: unknown option code_verifier: did you mean codeVerifier?',
    refresh: 'invalid_options: unknown option refresh_token: did you mean refreshToken?',
    revoke: 'invalid_options: unknown option tokn: did you mean token?',
    hosts: 'invalid_options: unknown option allowedHost: did you mean allowedHosts?',
    far: 'invalid_options: unknown option colour',
    name: 'invalid_options: unknown option name',
    undef: 'invalid_options: unknown option timeout: did you mean timeoutMs?',
    appState: 'invalid_options: unknown option appState',
    inherited: 'invalid_options: unknown option timeout: did you mean timeoutMs?',
    order: 'invalid_options: unknown option baseURL: did you mean baseUrl?',
  });
  // Every option the contract names is known (docs/options.md): no false alarm.
  const known = await outcomes({
    connect: `sdk.connect({ baseUrl: vendo, provider: 'Bad!', appKey: 'k', returnTo: '/x', state: 's', mode: 'popup', timeoutMs: 1,
      closedGraceMs: 1, detectClose: true, closePopup: true, popup: { width: 1, height: 1, name: 'n' }, window: undefined,
      signal: undefined, onEvent: () => {} })`,
    authorize: `sdk.authorize({ ${auth}, scope: 'a', extraParams: {}, issuer: 'https://as.example', state: 's', pkce: true,
      mode: 'popup', appState: 1, timeoutMs: -1 })`,
    link: "sdk.openConnectLink('https://link.example/x', { redirectUri: 'https://app.example/cb', state: 's', mode: 'popup', appState: 1, timeoutMs: -1 })",
    callback: "sdk.completeCallback({ openerOrigin: 'https://app.example/', ackTimeoutMs: 1 })",
    hosts: "sdk.validateRedirectUri('https://app.example/cb', { allowedHosts: ['app.example'] })",
  });
  assert.match(known.connect, /^invalid_options: provider must match/);
  assert.match(known.authorize, /^invalid_options: timeoutMs must be/);
  assert.match(known.link, /^invalid_options: timeoutMs must be/);
  assert.match(known.callback, /^invalid_options: openerOrigin must be/);
  assert.equal(known.hosts, 'no error');
});

test('an unknown option in a click opens no window', async () => {
  const p = await harnessPage(ctx);
  let popups = 0;
  p.on('popup', () => {
    popups += 1;
  });
  await clickRun(
    p,
    `window.record(window.sdk.connect({ baseUrl: ${JSON.stringify(ctx.servers.vendoOrigin)}, provider: 'notion', timeout: 1 }))`,
    { expectPopup: false },
  );
  await p.waitForFunction(() => window.results.at(-1)?.status === 'rejected', null, { timeout: 5_000 });
  const r = await p.evaluate(() => JSON.parse(JSON.stringify(window.results.at(-1))));
  assert.equal(r.code, 'invalid_options');
  await new Promise((done) => setTimeout(done, 300));
  assert.equal(popups, 0);
  await p.close();
});

test('a wrong argument shape is invalid_options, not a verdict', async () => {
  const r = await outcomes({
    array: "sdk.validateRedirectUri('https://app.example/cb', ['app.example'])",
    string: "sdk.validateRedirectUri('https://app.example/cb', 'app.example')",
    hosts: "sdk.validateRedirectUri('https://app.example/cb', { allowedHosts: 'app.example' })",
    connectArray: "sdk.connect([vendo, 'notion'])",
    popupArray: "sdk.connect({ baseUrl: vendo, provider: 'notion', popup: [400, 600] })",
  });
  assert.deepEqual(r, {
    array: 'invalid_options: options must be an object, not an array',
    string: 'invalid_options: options must be an object',
    hosts: 'invalid_options: allowedHosts must be an array of strings',
    connectArray: 'invalid_options: options must be an object, not an array',
    popupArray: 'invalid_options: popup must be an object, not an array',
  });
});

test('ConnectError keeps its name through the minified bundle', async () => {
  const r = await page.evaluate(async () => {
    const { ConnectError, connect } = window.sdk;
    const e = await connect({}).catch((x) => x);
    return {
      ctor: e.constructor.name,
      name: e.name,
      cls: ConnectError.name,
      same: e.constructor === ConnectError,
      error: e instanceof Error,
    };
  });
  assert.deepEqual(r, { ctor: 'ConnectError', name: 'ConnectError', cls: 'ConnectError', same: true, error: true });
});

/** The property names `index.d.ts` declares for an interface (its own, not inherited). */
function declared(name) {
  const dts = readFileSync(new URL('../../pkg/index.d.ts', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const start = dts.indexOf(`export interface ${name} `);
  assert.ok(start >= 0, `index.d.ts declares ${name}`);
  const body = dts.slice(dts.indexOf('{', start) + 1);
  const names = [];
  let depth = 0;
  for (const m of body.matchAll(/[{}()]|(\w+)\??:/g)) {
    if (m[0] === '{' || m[0] === '(') depth += 1;
    else if (m[0] === ')') depth -= 1;
    else if (m[0] === '}') {
      if (depth-- === 0) break;
    } else if (depth === 0) names.push(m[1]);
  }
  return names;
}

test('every option index.d.ts declares is one the readers know (no second list to drift)', async () => {
  const common = declared('CommonOptions');
  assert.ok(common.includes('timeoutMs') && common.includes('onEvent'), common.join());
  const all = (...interfaces) => JSON.stringify(Object.fromEntries(interfaces.flatMap(declared).map((k) => [k, null])));
  // Every declared key given as null (absent): the readers must read each one.
  const cases = {
    connect: `sdk.connect({ ...${all('ConnectOptions', 'CommonOptions')}, popup: ${all('PopupOptions')} })`,
    authorize: `sdk.authorize(${all('AuthorizeOptions', 'CommonOptions')})`,
    link: `sdk.openConnectLink('https://link.example/x', ${all('ConnectLinkOptions', 'CommonOptions')})`,
    callback: `sdk.completeCallback(${all('CompleteCallbackOptions')})`,
    redirect: `sdk.completeRedirect(${all('CompleteCallbackOptions')})`,
    exchange: `sdk.exchangeCode(${all('ExchangeCodeOptions')})`,
    refresh: `sdk.refreshToken(${all('RefreshTokenOptions')})`,
    revoke: `sdk.revokeToken(${all('RevokeTokenOptions')})`,
    hosts: `sdk.validateRedirectUri('https://app.example/cb', ${all('RedirectUriOptions')})`,
  };
  const r = await outcomes(cases);
  for (const [name, outcome] of Object.entries(r)) {
    assert.doesNotMatch(outcome, /unknown option/, `${name}: ${cases[name]}`);
  }
  assert.equal(r.connect, 'invalid_options: baseUrl is required');
  assert.equal(r.exchange, 'invalid_options: tokenEndpoint is required');
});
