// vendo-connect/testing: fakes of the servers the flows talk to, for an app's own Playwright
// tests (docs/testing.md). `installFakes(context, options)` answers, inside a Playwright
// BrowserContext and by route interception (no port, no process), as
//   - a Vendo deployment (docs/wire.md#vendo): the authorize entry, the Composio start path, a
//     provider step and the callback page that posts `vendo:oauth:done` / `vendo:oauth:error`
//     to the opener at its `opener_origin` (never "*") and waits up to 2 s for the ack;
//   - an OAuth 2.1 authorization server (RFC 6749, RFC 7636 S256, RFC 9207 `iss`, RFC 7009):
//     authorization endpoint, token endpoint (form and JSON bodies, single-use codes, rotating
//     refresh tokens), revocation;
//   - hosted connect links (docs/wire.md#callback-query): a one-time link page that returns to
//     the redirect URI with `status=ok&tool=…&connection_id=…` or `status=error&error=…`.
// Each flow's answer is scripted with `next(outcome)`; what the app sent is recorded.
// Test-only code: Node side, nothing of it runs in the app or changes a check of the package.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const OUTCOME_KEYS = ['done', 'error', 'detail', 'denied', 'closeAfterMs', 'noAnswer', 'afterMs', 'coop', 'noise'];
const ENDINGS = ['done', 'error', 'denied', 'closeAfterMs', 'noAnswer'];
const COOP = { 'Cross-Origin-Opener-Policy': 'same-origin' };
const NO_STORE = { 'Cache-Control': 'no-store' };
// The codes a hosted connect link may return (docs/errors.md#vocobase-codes).
const LINK_CODES = [
  'oauth_denied',
  'customer_archived',
  'invalid_state',
  'tool_not_found',
  'tool_not_available',
  'provider_mismatch',
  'connection_failed',
  'token_smoke_test_failed',
  'invalid_hmac',
];
// Vendo's catalog as documented (docs/wire.md#vendo): first-party Notion, the rest through Composio.
const CATALOG = {
  notion: 'first_party',
  'google-calendar': 'composio',
  gmail: 'composio',
  slack: 'composio',
  github: 'composio',
  supabase: 'composio',
  instagram: 'composio',
};
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const CODE_TTL_MS = 300_000;
const LINK_TTL_MS = 1_800_000;

const fail = (what) => {
  throw new TypeError(`vendo-connect/testing: ${what}`);
};
const token = (prefix) => `${prefix}_${randomBytes(16).toString('base64url')}`;
const s256 = (v) => createHash('sha256').update(v).digest('base64url');
const isMs = (v) => Number.isInteger(v) && v >= 0;
/** JSON for an inline <script>, safe against `</script>`. */
const js = (v) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (
  title,
  body,
  script = '',
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;

/** An `http(s)` origin, with an optional path prefix for Vendo's base URL. */
function parseBase(value, name, { prefix = false } = {}) {
  let u;
  try {
    u = new URL(value);
  } catch {
    fail(`${name} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') fail(`${name} must be http(s), got ${JSON.stringify(value)}`);
  if (u.search || u.hash || u.username || u.password) fail(`${name} must have no query, fragment or userinfo`);
  const path = u.pathname.replace(/\/+$/, '');
  if (path && !prefix) fail(`${name} must be an origin (no path), got ${JSON.stringify(value)}`);
  return { origin: u.origin, prefix: path };
}

/** Checks a scripted answer (docs/testing.md#outcomes) and fills its defaults. */
function parseOutcome(o, service) {
  if (o === undefined) o = { done: true };
  if (typeof o !== 'object' || o === null)
    fail(`${service}.next() takes an outcome object, e.g. { done: true } or { error: 'access_denied' }`);
  for (const k of Object.keys(o)) {
    if (!OUTCOME_KEYS.includes(k)) fail(`${service}.next(): unknown key "${k}" (known: ${OUTCOME_KEYS.join(', ')})`);
  }
  const endings = ENDINGS.filter((k) => o[k] !== undefined && o[k] !== false);
  if (endings.length > 1) fail(`${service}.next(): give one of ${ENDINGS.join(', ')}, not ${endings.join(' and ')}`);
  const ending = endings[0] ?? 'done';
  if (o.error !== undefined && (typeof o.error !== 'string' || !o.error))
    fail(`${service}.next(): error must be a non-empty code string`);
  if (o.detail !== undefined && (typeof o.detail !== 'string' || ending !== 'error'))
    fail(`${service}.next(): detail is a string, given with error`);
  if (o.closeAfterMs !== undefined && !isMs(o.closeAfterMs))
    fail(`${service}.next(): closeAfterMs must be a whole number of ms`);
  if (o.afterMs !== undefined && !isMs(o.afterMs)) fail(`${service}.next(): afterMs must be a whole number of ms`);
  if (o.afterMs !== undefined && !['done', 'error', 'denied'].includes(ending))
    fail(`${service}.next(): afterMs delays an answer (done, error or denied)`);
  const done = o.done === undefined || o.done === true ? {} : o.done;
  if (typeof done !== 'object' || done === null) fail(`${service}.next(): done is true or an object of fields`);
  return {
    ending,
    done,
    error: o.error,
    detail: o.detail ?? null,
    closeAfterMs: o.closeAfterMs,
    afterMs: o.afterMs ?? 0,
    coop: o.coop === true,
    noise: o.noise === true,
  };
}

function only(fields, allowed, service) {
  for (const [k, v] of Object.entries(fields)) {
    if (!allowed.includes(k)) fail(`${service}.next(): done takes ${allowed.join(', ')}, not "${k}"`);
    if (typeof v !== 'string' || !v) fail(`${service}.next(): done.${k} must be a non-empty string`);
  }
  return fields;
}

/** A FIFO of scripted outcomes; an empty queue answers `done`. */
function script(service, check) {
  const queue = [];
  return {
    next(outcome) {
      const o = parseOutcome(outcome, service);
      check(o);
      queue.push(o);
    },
    take: () => queue.shift() ?? parseOutcome(undefined, service),
    clear: () => {
      queue.length = 0;
    },
    get pending() {
      return queue.length;
    },
  };
}

/** `uri` with `params` appended; existing parameters of the same names are replaced. */
function withParams(uri, params) {
  const [head, ...rest] = uri.split('#');
  const [path, query = ''] = head.split('?');
  const keep = query.split('&').filter((part) => {
    if (!part) return false;
    let key = part.split('=')[0];
    try {
      key = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      /* kept as written */
    }
    return !(key in params);
  });
  const add = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null)).toString();
  const q = [...keep, ...(add ? [add] : [])].join('&');
  return `${path}${q ? `?${q}` : ''}${rest.length ? `#${rest.join('#')}` : ''}`;
}

/** A same-origin path: one leading `/`, no `//`, `\`, scheme or control character, also once decoded. */
function safeReturnTo(p) {
  if (typeof p !== 'string' || p.length > 2048) return false;
  let cur = p;
  for (let i = 0; i < 4; i++) {
    if (
      !cur.startsWith('/') ||
      cur.startsWith('//') ||
      /[\\\u0000-\u001f\u007f]/.test(cur) ||
      /^\/*[a-z][a-z0-9+.-]*:/i.test(cur)
    )
      return false;
    let next;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return false;
    }
    if (next === cur) return true;
    cur = next;
  }
  return false;
}

/** A hosted-link redirect URI's problem (https, no userinfo or fragment, default port, allowed host), or null. */
function redirectProblem(uri, allowedHosts) {
  let u;
  try {
    u = new URL(uri);
  } catch {
    return 'redirect_uri is not a valid URL';
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(loopback && u.protocol === 'http:')) return 'redirect_uri must use https://';
  if (uri.includes('@') || u.username || u.password) return 'redirect_uri must not contain @ or userinfo';
  if (uri.includes('#')) return 'redirect_uri must not contain a fragment';
  if (!loopback && u.port !== '') return 'redirect_uri must use the default port (443)';
  if (!allowedHosts.includes(u.hostname)) return `redirect_uri host ${u.hostname} is not in allowedRedirectHosts`;
  return null;
}

const html = (body, headers = {}, status = 200) => ({
  status,
  headers: { 'Content-Type': 'text/html; charset=utf-8', ...NO_STORE, ...headers },
  body,
});
const json = (status, obj, headers = {}) => ({
  status,
  headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers },
  body: JSON.stringify(obj),
});
const found = (location, headers = {}) => ({
  status: 302,
  headers: { Location: location, ...NO_STORE, ...headers },
  body: '',
});
/**
 * A step from one fake page to another: a page that navigates on at once. Not a 302, because
 * Playwright intercepts the target of a fulfilled redirect only inside popups, and same-tab
 * flows (and `page.goto` in a test) navigate the tab itself (docs/testing.md#limits).
 */
const hop = (location, headers = {}) => html(page('Redirecting', '', `location.replace(${js(location)});`), headers);

/** The page that first posts the scripted noise, then goes on to `next` after `afterMs`. */
function stepPage(title, { afterMs, next, noise = '' }) {
  // After `load`: the noise frames have loaded, so their messages were posted first.
  const go = next
    ? `addEventListener('load', () => setTimeout(() => { location.replace(${js(next)}); }, ${afterMs}));`
    : '';
  return page(title, `<p>${next ? 'Answering…' : 'Waiting for the person.'}</p>${noise}`, go);
}

/** A hidden iframe on the foreign origin that posts `payload` to the popup's opener. */
const foreignFrame = (foreign, payload, target) =>
  `<iframe hidden src="${escapeHtml(`${foreign}/__fake/relay#${encodeURIComponent(JSON.stringify({ payload, target }))}`)}"></iframe>`;

// ---------------------------------------------------------------------------------------
// Vendo (docs/wire.md#vendo).

function vendoFake(options, shared) {
  const config = typeof options === 'string' ? { baseUrl: options } : options;
  if (typeof config !== 'object' || config === null) fail('vendo must be a base URL or { baseUrl, providers }');
  for (const k of Object.keys(config)) if (!['baseUrl', 'providers'].includes(k)) fail(`vendo: unknown option "${k}"`);
  const base = parseBase(config.baseUrl, 'vendo.baseUrl', { prefix: true });
  const providers = config.providers ?? null;
  if (
    providers !== null &&
    (typeof providers !== 'object' || Object.values(providers).some((v) => !['first_party', 'composio'].includes(v)))
  ) {
    fail("vendo.providers maps each provider slug to 'first_party' or 'composio'");
  }
  const catalog = new Map(Object.entries({ ...CATALOG, ...providers }));
  const kindOf = (p) => catalog.get(p);
  const outcomes = script('vendo', (o) => {
    if (o.ending === 'done') only(o.done, ['connectionId', 'externalId', 'displayName'], 'vendo');
  });
  const flows = new Map(); // nonce -> flow
  const requests = [];
  const acks = [];

  function handle(request, url) {
    if (url.origin !== base.origin || !url.pathname.startsWith(`${base.prefix}/`)) return null;
    const path = url.pathname.slice(base.prefix.length);
    const q = url.searchParams;
    const at = (p) => `${base.origin}${base.prefix}${p}`;
    let m;
    if (path === '/__fake/ack' && request.method() === 'POST') {
      try {
        acks.push(JSON.parse(request.postData() ?? ''));
      } catch {
        /* not an ack */
      }
      return { status: 204, headers: NO_STORE, body: '' };
    }
    if ((m = path.match(/^\/api\/oauth\/composio\/([^/]+)\/start$/)))
      return entry(m[1], kindOf(decodeURIComponent(m[1])), true);
    if ((m = path.match(/^\/api\/oauth\/composio\/([^/]+)\/callback$/)))
      return callback(m[1], q.get('cstate'), 'composio');
    if ((m = path.match(/^\/api\/oauth\/([^/]+)\/authorize$/)))
      return entry(m[1], kindOf(decodeURIComponent(m[1])), false);
    if ((m = path.match(/^\/api\/oauth\/([^/]+)\/callback$/))) return callback(m[1], q.get('state'), 'first_party');
    if ((m = path.match(/^\/__fake\/provider\/([^/]+)$/))) return providerStep(m[1], q.get('nonce'));
    return json(404, { error: 'not_found' });

    // GET /api/oauth/{provider}/authorize and /api/oauth/composio/{provider}/start
    function entry(slug, kind, started) {
      const provider = decodeURIComponent(slug);
      if (!kind || (started && kind !== 'composio')) return json(404, { error: 'provider_unknown' });
      if (q.has('returnTo') && !safeReturnTo(q.get('returnTo'))) return json(400, { error: 'invalid_return_to' });
      if (kind === 'composio' && !started) return hop(at(`/api/oauth/composio/${slug}/start?${q}`));
      // The entry's parameters as the app sent them, once per flow.
      requests.push({ provider, params: Object.fromEntries(q) });
      const nonce = randomBytes(16).toString('hex');
      const outcome = outcomes.take();
      flows.set(nonce, {
        nonce,
        provider,
        kind,
        outcome,
        state: q.get('state'),
        openerOrigin: q.get('opener_origin'),
        returnTo: q.get('returnTo'),
      });
      shared.closeLater(request, outcome);
      return hop(at(`/__fake/provider/${slug}?nonce=${nonce}`), outcome.coop ? COOP : {});
    }

    // The provider's consent step: answers as scripted.
    function providerStep(slug, nonce) {
      const flow = flows.get(nonce ?? '');
      if (!flow) return html(page('Unknown flow', '<p>This sign-in is not pending.</p>'), {}, 400);
      const o = flow.outcome;
      const headers = o.coop ? COOP : {};
      if (['closeAfterMs', 'noAnswer'].includes(o.ending))
        return html(stepPage(`Connect ${flow.provider}`, {}), headers);
      const param = flow.kind === 'composio' ? 'cstate' : 'state';
      const cb = flow.kind === 'composio' ? `/api/oauth/composio/${slug}/callback` : `/api/oauth/${slug}/callback`;
      const answer = o.ending === 'denied' ? { error: 'access_denied' } : { code: token('code') };
      return html(
        stepPage(`Connect ${flow.provider}`, {
          afterMs: o.afterMs,
          next: at(`${cb}?${new URLSearchParams({ ...answer, [param]: nonce })}`),
        }),
        headers,
      );
    }

    // The callback page: posts the result to the opener (docs/wire.md#messages).
    function callback(slug, nonce, kind) {
      const flow = nonce ? flows.get(nonce) : undefined;
      const provider = decodeURIComponent(slug);
      const errorPayload = (code, detail) => ({
        type: 'vendo:oauth:error',
        code,
        detail,
        provider,
        state: flow?.state ?? null,
      });
      let payload;
      let status = 200;
      if (kind === 'composio' && !nonce) [payload, status] = [errorPayload('missing_cstate', 'cstate is missing'), 400];
      else if (!flow || flow.provider !== provider)
        [payload, status] = [errorPayload('oauth_state_invalid', 'the state cookie does not match'), 400];
      else if (q.get('error'))
        [payload, status] = [errorPayload(q.get('error'), 'the provider reported an error'), 400];
      else if (kind === 'first_party' && !q.get('code'))
        [payload, status] = [errorPayload('missing_params', 'code or state is missing'), 400];
      else if (flow.outcome.ending === 'error')
        [payload, status] = [errorPayload(flow.outcome.error, flow.outcome.detail), 500];
      else {
        const d = flow.outcome.done;
        payload = {
          type: 'vendo:oauth:done',
          provider,
          connection_id: d.connectionId ?? randomUUID(),
          external_id: d.externalId ?? `vendo_conn_${randomBytes(8).toString('hex')}`,
          display_name: d.displayName ?? `Acme ${provider}`,
          return_url: flow.returnTo ?? null,
          state: flow.state,
        };
      }
      if (flow) flows.delete(nonce);
      const openerOrigin = flow?.openerOrigin ?? '';
      const noise = flow?.outcome.noise
        ? foreignFrame(
            shared.foreign,
            {
              type: 'vendo:oauth:error',
              code: 'spoofed',
              detail: 'from another origin',
              provider,
              state: payload.state,
            },
            openerOrigin,
          )
        : '';
      const script = `
        const payload = ${js(payload)}, openerOrigin = ${js(openerOrigin)}, noise = ${flow?.outcome.noise === true};
        let acked = false;
        addEventListener('message', (e) => {
          if (acked || e.origin !== openerOrigin || e.source !== window.opener) return;
          if (!e.data || e.data.type !== 'vendo:connection:ack' || e.data.connection_id !== payload.connection_id) return;
          acked = true;
          fetch(${js(at('/__fake/ack'))}, { method: 'POST', body: JSON.stringify(e.data) }).finally(() => window.close());
        });
        const post = (data) => { if (window.opener && openerOrigin) window.opener.postMessage(data, openerOrigin); };
        if (noise) post({ ...payload, state: 'not-' + payload.state });
        // After \`load\`: the noise frame has posted first.
        addEventListener('load', () => {
          post(payload);
          setTimeout(() => { if (!acked) window.close(); }, 2000);
        });`;
      const text =
        payload.type === 'vendo:oauth:done'
          ? 'Connected. This window will close.'
          : `Could not connect: ${payload.code}`;
      return html(page('Vendo', `<p>${escapeHtml(text)}</p>${noise}`, script), flow?.outcome.coop ? COOP : {}, status);
    }
  }

  return {
    api: {
      baseUrl: `${base.origin}${base.prefix}`,
      next: outcomes.next,
      /** The authorize entry's parameters, one entry per flow: `{ provider, params }`. */
      requests,
      /** The acks the callback page received from the opener. */
      acks,
      reset() {
        outcomes.clear();
        flows.clear();
        requests.length = 0;
        acks.length = 0;
      },
    },
    origins: [base.origin],
    handle,
  };
}

// ---------------------------------------------------------------------------------------
// OAuth 2.1 authorization server.

function oauthFake(config, shared) {
  if (typeof config !== 'object' || config === null) fail('oauth must be { issuer, clientId, redirectUris, … }');
  const known = [
    'issuer',
    'clientId',
    'redirectUris',
    'authorizationEndpoint',
    'tokenEndpoint',
    'revocationEndpoint',
    'requiredParams',
    'iss',
    'allowedOrigins',
  ];
  for (const k of Object.keys(config))
    if (!known.includes(k)) fail(`oauth: unknown option "${k}" (known: ${known.join(', ')})`);
  const parsedIssuer = parseBase(config.issuer, 'oauth.issuer', { prefix: true });
  const issuer = `${parsedIssuer.origin}${parsedIssuer.prefix}`;
  if (typeof config.clientId !== 'string' || !config.clientId) fail('oauth.clientId must be a non-empty string');
  const redirectUris = config.redirectUris;
  if (!Array.isArray(redirectUris) || !redirectUris.length || !redirectUris.every((u) => typeof u === 'string')) {
    fail(
      "oauth.redirectUris must list the redirect URIs registered for the client, e.g. ['http://localhost:5173/callback.html']",
    );
  }
  const endpoint = (key, path) => {
    const v = config[key] ?? `${issuer}${path}`;
    let u;
    try {
      u = new URL(v);
    } catch {
      fail(`oauth.${key} must be an absolute URL`);
    }
    return u;
  };
  const authorizationEndpoint = endpoint('authorizationEndpoint', '/authorize');
  const tokenEndpoint = endpoint('tokenEndpoint', '/token');
  const revocationEndpoint = endpoint('revocationEndpoint', '/revoke');
  const requiredParams = config.requiredParams ?? [];
  if (!Array.isArray(requiredParams) || !requiredParams.every((p) => typeof p === 'string'))
    fail('oauth.requiredParams must be an array of parameter names');
  const sendIss = config.iss ?? true;
  const allowedOrigins = config.allowedOrigins ?? null;
  const outcomes = script('oauth', (o) => {
    if (o.ending === 'done') only(o.done, [], 'oauth');
  });
  const tokenOutcomes = [];
  const codes = new Map(); // code -> { clientId, redirectUri, challenge, scope, expires, used, issued: Set }
  const refreshTokens = new Map(); // refresh token -> { clientId, scope, family }
  const accessTokens = new Map(); // access token -> { family }
  const authorizeRequests = [];
  const tokenRequests = [];
  const revocations = [];
  const same = (u, e) => u.origin === e.origin && u.pathname === e.pathname;

  function cors(request) {
    const origin = request.headers().origin;
    if (!origin || (allowedOrigins && !allowedOrigins.includes(origin))) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  /** A token request body, as the server reads it: form or JSON of strings; null when unreadable. */
  function readBody(request) {
    const type = (request.headers()['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const text = request.postData() ?? '';
    if (type === 'application/x-www-form-urlencoded')
      return { encoding: 'form', body: Object.fromEntries(new URLSearchParams(text)) };
    if (type === 'application/json') {
      try {
        const v = JSON.parse(text);
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'))
          return { encoding: 'json', body: v };
      } catch {
        /* unreadable */
      }
      return { encoding: 'json', body: null };
    }
    return { encoding: type || null, body: null };
  }

  function issue(clientId, scope, family) {
    const access = token('at');
    const refresh = token('rt');
    accessTokens.set(access, { family });
    refreshTokens.set(refresh, { clientId, scope, family });
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: refresh,
      ...(scope ? { scope } : {}),
    };
  }

  function revokeFamily(family) {
    for (const [t, v] of refreshTokens) if (v.family === family) refreshTokens.delete(t);
    for (const [t, v] of accessTokens) if (v.family === family) accessTokens.delete(t);
  }

  function handle(request, url) {
    if (same(url, authorizationEndpoint) && request.method() === 'GET') return authorizeStep();
    if (url.origin === parsedIssuer.origin && url.pathname === `${parsedIssuer.prefix}/__fake/answer`)
      return answerStep();
    if (same(url, tokenEndpoint))
      return request.method() === 'POST' ? tokenStep() : json(405, { error: 'invalid_request' });
    if (same(url, revocationEndpoint))
      return request.method() === 'POST' ? revokeStep() : json(405, { error: 'invalid_request' });
    if (
      url.origin === parsedIssuer.origin ||
      [authorizationEndpoint, tokenEndpoint, revocationEndpoint].some((e) => e.origin === url.origin)
    ) {
      return json(404, { error: 'not_found' });
    }
    return null;

    // RFC 6749 §4.1.1-4.1.2, RFC 7636 §4.3-4.4, RFC 9207.
    function authorizeStep() {
      const q = url.searchParams;
      const p = Object.fromEntries(q);
      authorizeRequests.push({ params: p });
      const refuse = (why) => html(page('Invalid request', `<p>${escapeHtml(why)}</p>`), {}, 400);
      // Without a known client and an exactly registered redirect URI there is nowhere to send an error (§4.1.2.1).
      for (const k of ['client_id', 'redirect_uri'])
        if (q.getAll(k).length !== 1) return refuse(`${k} must appear exactly once`);
      if (p.client_id !== config.clientId) return refuse('unknown client_id');
      if (!redirectUris.includes(p.redirect_uri)) return refuse('redirect_uri is not registered for this client');
      const back = (params) => found(withParams(p.redirect_uri, { ...params, ...(sendIss ? { iss: issuer } : {}) }));
      const repeated = [...new Set([...q.keys()])].find((k) => q.getAll(k).length > 1);
      const problem = repeated
        ? `${repeated} is repeated`
        : p.response_type !== 'code'
          ? null
          : !p.state
            ? 'state is required'
            : !p.code_challenge
              ? 'code_challenge is required (PKCE)'
              : p.code_challenge_method !== 'S256'
                ? 'code_challenge_method must be S256'
                : !CHALLENGE.test(p.code_challenge)
                  ? 'code_challenge is not a base64url SHA-256'
                  : requiredParams.find((k) => !p[k])
                    ? `${requiredParams.find((k) => !p[k])} is required`
                    : null;
      if (p.response_type !== 'code') return back({ error: 'unsupported_response_type', state: p.state });
      if (problem) return back({ error: 'invalid_request', error_description: problem, state: p.state });
      const outcome = outcomes.take();
      const flow = token('flow');
      pendingAnswers.set(flow, { p, outcome });
      shared.closeLater(request, outcome);
      return hop(`${issuer}/__fake/answer?flow=${flow}`, outcome.coop ? COOP : {});
    }

    // The sign-in and consent step: answers as scripted.
    function answerStep() {
      const entry = pendingAnswers.get(url.searchParams.get('flow') ?? '');
      if (!entry) return html(page('Unknown flow', '<p>This sign-in is not pending.</p>'), {}, 400);
      pendingAnswers.delete(url.searchParams.get('flow'));
      const { p, outcome: o } = entry;
      const headers = o.coop ? COOP : {};
      if (['closeAfterMs', 'noAnswer'].includes(o.ending)) return html(stepPage('Sign in', {}), headers);
      const iss = sendIss ? { iss: issuer } : {};
      let params;
      if (o.ending === 'denied') params = { error: 'access_denied', state: p.state, ...iss };
      else if (o.ending === 'error')
        params = { error: o.error, ...(o.detail ? { error_description: o.detail } : {}), state: p.state, ...iss };
      else {
        const code = token('code');
        codes.set(code, {
          clientId: p.client_id,
          redirectUri: p.redirect_uri,
          challenge: p.code_challenge,
          scope: p.scope ?? null,
          expires: Date.now() + CODE_TTL_MS,
          used: false,
          family: null,
        });
        params = { code, state: p.state, ...iss };
      }
      const target = new URL(p.redirect_uri).origin;
      // Noise: a callback envelope for this state, and one for another, from the provider's origin.
      const noise = o.noise
        ? foreignFrame(
            shared.foreign,
            {
              type: 'vendo-connect:callback',
              state: p.state,
              query: `code=forged&state=${encodeURIComponent(p.state)}`,
            },
            target,
          ) +
          foreignFrame(
            shared.foreign,
            {
              type: 'vendo-connect:callback',
              state: `not-${p.state}`,
              query: `code=forged&state=not-${encodeURIComponent(p.state)}`,
            },
            target,
          )
        : '';
      return html(
        stepPage('Sign in', { afterMs: o.afterMs, next: withParams(p.redirect_uri, params), noise }),
        headers,
      );
    }

    // RFC 6749 §4.1.3 / §6 with RFC 7636 §4.6; OAuth 2.1 refresh token rotation.
    function tokenStep() {
      const { encoding, body } = readBody(request);
      tokenRequests.push({ encoding, body });
      const headers = cors(request);
      const scripted = tokenOutcomes.shift();
      if (scripted?.error)
        return json(
          scripted.status,
          { error: scripted.error, ...(scripted.detail ? { error_description: scripted.detail } : {}) },
          headers,
        );
      const bad = (error, description) => json(400, { error, error_description: description }, headers);
      if (!body)
        return bad('invalid_request', 'the body must be application/x-www-form-urlencoded, or JSON of strings');
      if (body.client_secret !== undefined)
        return json(401, { error: 'invalid_client', error_description: 'a public client sends no secret' }, headers);
      if (body.client_id !== config.clientId)
        return json(401, { error: 'invalid_client', error_description: 'unknown client_id' }, headers);
      let answer;
      if (body.grant_type === 'authorization_code') {
        const c = codes.get(body.code ?? '');
        if (!c) return bad('invalid_grant', 'the code is unknown');
        if (c.used) {
          // A replayed code: refused, and what it issued is revoked (RFC 6749 §4.1.2).
          if (c.family) revokeFamily(c.family);
          return bad('invalid_grant', 'the code was already used');
        }
        c.used = true;
        if (c.expires < Date.now()) return bad('invalid_grant', 'the code expired');
        if (c.clientId !== body.client_id) return bad('invalid_grant', 'the code was issued to another client');
        if (c.redirectUri !== body.redirect_uri)
          return bad('invalid_grant', 'redirect_uri differs from the authorization request');
        if (typeof body.code_verifier !== 'string' || !VERIFIER.test(body.code_verifier))
          return bad('invalid_grant', 'code_verifier is missing or malformed');
        if (s256(body.code_verifier) !== c.challenge) return bad('invalid_grant', 'PKCE verification failed');
        c.family = token('family');
        answer = issue(c.clientId, c.scope, c.family);
      } else if (body.grant_type === 'refresh_token') {
        const r = refreshTokens.get(body.refresh_token ?? '');
        if (!r) return bad('invalid_grant', 'the refresh token is unknown, used or revoked');
        if (r.clientId !== body.client_id)
          return bad('invalid_grant', 'the refresh token was issued to another client');
        refreshTokens.delete(body.refresh_token); // rotation: each refresh token works once
        answer = issue(r.clientId, r.scope, r.family);
      } else {
        return bad('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
      }
      return json(200, { ...answer, ...(scripted?.done ?? {}) }, headers);
    }

    // RFC 7009 §2: 200 whatever the token's state.
    function revokeStep() {
      const { encoding, body } = readBody(request);
      revocations.push({ encoding, body });
      const headers = cors(request);
      if (!body || typeof body.token !== 'string')
        return json(400, { error: 'invalid_request', error_description: 'token is required' }, headers);
      const r = refreshTokens.get(body.token) ?? accessTokens.get(body.token);
      if (r) revokeFamily(r.family);
      return json(200, {}, headers);
    }
  }
  const pendingAnswers = new Map();

  return {
    api: {
      issuer,
      authorizationEndpoint: authorizationEndpoint.href,
      tokenEndpoint: tokenEndpoint.href,
      revocationEndpoint: revocationEndpoint.href,
      clientId: config.clientId,
      next: outcomes.next,
      /**
       * The token endpoint's next answer: `{ error, detail?, status? }` (an error body, status
       * 400 by default), or `{ done: { …fields } }` (fields merged into a normal answer).
       */
      nextToken(o) {
        if (typeof o !== 'object' || o === null)
          fail('oauth.nextToken() takes { error, detail?, status? } or { done: { …fields } }');
        for (const k of Object.keys(o))
          if (!['error', 'detail', 'status', 'done'].includes(k)) fail(`oauth.nextToken(): unknown key "${k}"`);
        if ((o.error === undefined) === (o.done === undefined)) fail('oauth.nextToken(): give error or done');
        if (o.error !== undefined && (typeof o.error !== 'string' || !o.error))
          fail('oauth.nextToken(): error must be a non-empty code string');
        if (o.done !== undefined && (typeof o.done !== 'object' || o.done === null))
          fail('oauth.nextToken(): done is an object of response fields');
        const status = o.status ?? 400;
        if (!Number.isInteger(status) || status < 200 || status > 599)
          fail('oauth.nextToken(): status must be an HTTP status');
        tokenOutcomes.push({ error: o.error, detail: o.detail ?? null, status, done: o.done });
      },
      /** Each authorization request's parameters: `{ params }`. */
      authorizeRequests,
      /** Each token request: `{ encoding: 'form' | 'json', body }` (`body` null when unreadable). */
      tokenRequests,
      /** Each revocation request, like `tokenRequests`. */
      revocations,
      reset() {
        outcomes.clear();
        tokenOutcomes.length = 0;
        codes.clear();
        refreshTokens.clear();
        accessTokens.clear();
        pendingAnswers.clear();
        authorizeRequests.length = 0;
        tokenRequests.length = 0;
        revocations.length = 0;
      },
    },
    origins: [
      ...new Set([parsedIssuer.origin, authorizationEndpoint.origin, tokenEndpoint.origin, revocationEndpoint.origin]),
    ],
    handle,
  };
}

// ---------------------------------------------------------------------------------------
// Hosted connect links.

function linksFake(options, shared) {
  const config = typeof options === 'string' ? { origin: options } : options;
  if (typeof config !== 'object' || config === null)
    fail('links must be an origin or { origin, allowedRedirectHosts }');
  for (const k of Object.keys(config))
    if (!['origin', 'allowedRedirectHosts'].includes(k)) fail(`links: unknown option "${k}"`);
  const origin = parseBase(config.origin, 'links.origin').origin;
  const allowedHosts = config.allowedRedirectHosts ?? null;
  if (allowedHosts !== null && (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string')))
    fail('links.allowedRedirectHosts must be an array of host names');
  const outcomes = script('links', (o) => {
    if (o.ending === 'done') only(o.done, ['tool', 'connectionId'], 'links');
    if (o.ending === 'error' && o.detail !== null) fail('links.next(): a connect link returns a code only (no detail)');
    if (o.ending === 'error' && !LINK_CODES.includes(o.error))
      fail(`links.next(): a connect link returns one of ${LINK_CODES.join(', ')}`);
  });
  const links = new Map(); // link token -> { tool, redirectUri, used, expires, outcome }
  const visits = [];

  function handle(request, url) {
    if (url.origin !== origin) return null;
    const m = url.pathname.match(/^\/connect\/([^/]+)$/);
    if (!m) return json(404, { error: { code: 'NOT_FOUND', message: 'not found' } });
    const link = links.get(m[1]);
    visits.push({ link: url.href, known: Boolean(link) });
    if (!link) return html(page('Link not found', '<p>This link is not valid.</p>'), {}, 404);
    if (link.used || link.expires < Date.now())
      return found(withParams(link.redirectUri, { status: 'error', error: 'invalid_state' }));
    link.used = true;
    const o = outcomes.take();
    shared.closeLater(request, o);
    const headers = o.coop ? COOP : {};
    if (['closeAfterMs', 'noAnswer'].includes(o.ending)) return html(stepPage(`Connect ${link.tool}`, {}), headers);
    const params =
      o.ending === 'done'
        ? { status: 'ok', tool: o.done.tool ?? link.tool, connection_id: o.done.connectionId ?? `conn_${randomUUID()}` }
        : { status: 'error', error: o.ending === 'denied' ? 'oauth_denied' : o.error };
    const target = new URL(link.redirectUri).origin;
    const state = new URL(link.redirectUri).searchParams.get('vc_state') ?? '';
    const noise = o.noise
      ? foreignFrame(
          shared.foreign,
          {
            type: 'vendo-connect:callback',
            state,
            query: `status=ok&tool=forged&connection_id=forged&vc_state=${encodeURIComponent(state)}`,
          },
          target,
        )
      : '';
    return html(
      stepPage(`Connect ${link.tool}`, { afterMs: o.afterMs, next: withParams(link.redirectUri, params), noise }),
      headers,
    );
  }

  return {
    api: {
      origin,
      next: outcomes.next,
      /**
       * Mints a one-time link for `redirectUri`, as the app's backend would (the rules of a
       * hosted link's redirect URI apply; the loopback hosts may use http and any port).
       */
      mint({ redirectUri, tool = 'google_sheets', ...rest } = {}) {
        if (Object.keys(rest).length) fail(`links.mint(): unknown option "${Object.keys(rest)[0]}"`);
        if (typeof tool !== 'string' || !tool) fail('links.mint(): tool must be a connector slug');
        const hosts =
          allowedHosts ??
          (() => {
            try {
              return [new URL(redirectUri).hostname];
            } catch {
              return [];
            }
          })();
        const problem =
          typeof redirectUri === 'string' ? redirectProblem(redirectUri, hosts) : 'redirect_uri is required';
        if (problem) {
          const e = new Error(`INVALID_REDIRECT_URI: ${problem}`);
          e.code = 'INVALID_REDIRECT_URI';
          throw e;
        }
        const t = token('cl');
        links.set(t, { tool, redirectUri, used: false, expires: Date.now() + LINK_TTL_MS });
        return `${origin}/connect/${t}`;
      },
      /** Each visit of a link page: `{ link, known }`. */
      visits,
      reset() {
        outcomes.clear();
        links.clear();
        visits.length = 0;
      },
    },
    origins: [origin],
    handle,
  };
}

// ---------------------------------------------------------------------------------------

/**
 * Installs the fakes into a Playwright `BrowserContext` (docs/testing.md). Give one or more of
 * `vendo`, `oauth` and `links`; every request of the context to their origins is answered
 * by the fakes, and nothing else is touched. Returns `{ vendo, oauth, links, uninstall() }`.
 */
export async function installFakes(context, options = {}) {
  if (!context || typeof context.route !== 'function')
    fail('installFakes(context, options) takes a Playwright BrowserContext');
  if (typeof options !== 'object' || options === null) fail('installFakes(): options must be an object');
  for (const k of Object.keys(options))
    if (!['vendo', 'oauth', 'links', 'foreignOrigin'].includes(k))
      fail(`installFakes(): unknown option "${k}" (known: vendo, oauth, links, foreignOrigin)`);
  const timers = new Set();
  const shared = {
    foreign: parseBase(options.foreignOrigin ?? 'https://foreign.example', 'foreignOrigin').origin,
    /**
     * The person closes the popup `closeAfterMs` after this request, as the window's close
     * button does. A popup's first request has no frame yet: then the page is found by its URL.
     */
    closeLater(request, outcome) {
      if (outcome.ending !== 'closeAfterMs') return;
      const due = Date.now() + outcome.closeAfterMs;
      const url = request.url();
      let tries = 0;
      const find = () => {
        let popup;
        try {
          popup = request.frame().page();
        } catch {
          popup = context.pages().find((p) => p.url() === url);
        }
        if (popup) later(() => popup.close().catch(() => {}), Math.max(0, due - Date.now()));
        else if (++tries < 200) later(find, 25);
      };
      find();
    },
  };
  function later(f, ms) {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  }
  const fakes = [];
  if (options.vendo !== undefined) fakes.push(['vendo', vendoFake(options.vendo, shared)]);
  if (options.oauth !== undefined) fakes.push(['oauth', oauthFake(options.oauth, shared)]);
  if (options.links !== undefined) fakes.push(['links', linksFake(options.links, shared)]);
  if (!fakes.length) fail('installFakes(): give at least one of vendo, oauth, links');
  const origins = new Set([shared.foreign, ...fakes.flatMap(([, f]) => f.origins)]);

  const matches = (url) => origins.has(url.origin);
  const handler = async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    let answer = null;
    try {
      for (const [, f] of fakes) {
        answer = f.handle(request, url);
        if (answer) break;
      }
    } catch {
      answer = json(400, { error: 'invalid_request', error_description: 'the request could not be read' });
    }
    if (!answer && url.origin === shared.foreign && url.pathname === '/__fake/relay') {
      // Posts a message from this (foreign) origin to the popup's opener: noise.
      answer = html(
        page(
          'relay',
          '',
          `const { payload, target } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
        const to = window.parent.opener; if (to) to.postMessage(payload, target);`,
        ),
      );
    }
    answer ??= json(404, { error: 'not_found' });
    await route.fulfill(answer).catch(() => {}); // the page may be gone already
  };
  await context.route(matches, handler);

  const out = Object.fromEntries(fakes.map(([name, f]) => [name, f.api]));
  out.uninstall = async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await context.unroute(matches, handler);
  };
  return out;
}

/**
 * Clicks `selector` on `page` without a user activation, so the browser's own popup blocker
 * refuses the flow's `window.open` (docs/testing.md#blocked-popups). Playwright's `evaluate`
 * runs with a user gesture; opening (and closing) one window first uses that activation up,
 * the way a page that awaited before opening its popup would have lost it.
 */
export async function clickWithoutUserActivation(page, selector) {
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`clickWithoutUserActivation: no element matches ${sel}`);
    const spent = window.open('about:blank', '_blank', 'popup=yes');
    spent?.close();
    el.click();
  }, selector);
}
