// vendo-connect/testing/page: scripted outcomes for tests that run inside the page, where no
// request can be intercepted (Vitest browser mode, @web/test-runner, and, through
// `vendo_connect::testing`, wasm-bindgen-test; docs/testing.md#in-page-runners).
//
// `installPageFakes(options)` wraps this page's `window.open` and `fetch`:
//   - a popup for Vendo's authorize entry, the authorization endpoint or a minted connect link
//     opens as a blank window of this page's own origin instead, which answers from inside its
//     own realm as the real page at the end of that flow does (Vendo's callback page,
//     docs/wire.md#messages; the app's callback page, docs/wire.md#callback-envelope): its
//     messages carry the popup as `event.source` and this origin, so every check of the package
//     applies to them unchanged;
//   - a `fetch` to the token or revocation endpoint is answered by a strict fake (PKCE S256,
//     single-use codes, the exact redirect_uri, rotating refresh tokens); every other request
//     goes to the real `fetch`.
// Test-only code: it never changes a check of the package. One source for JS and Rust: the
// crate's `testing` feature imports this file (src/testing.rs).

const OUTCOME_KEYS = ['done', 'error', 'detail', 'denied', 'closeAfterMs', 'noAnswer', 'afterMs', 'noise'];
const ENDINGS = ['done', 'error', 'denied', 'closeAfterMs', 'noAnswer'];
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
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CODE_TTL_MS = 300_000;
// Vendo's callback page, and the app's (completeCallback's default), wait this long for the ack.
const ACK_WAIT_MS = 2000;
// The real pages answer once loaded: a blank popup answers after this, so the flow listens first.
const ANSWER_DELAY_MS = 50;
// How long an answer waits for its noise to arrive (`noise`), at most.
const NOISE_WAIT_MS = 1000;
const LINK_PATH = '/__vendo-connect-testing/link/';

const fail = (what) => {
  throw new TypeError(`vendo-connect/testing/page: ${what}`);
};
const isMs = (v) => Number.isInteger(v) && v >= 0;
const random = (prefix) => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
};
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const s256 = async (v) => base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(v)));
const url = (value, name) => {
  try {
    return new URL(value, location.href);
  } catch {
    return fail(`${name} must be a URL, got ${JSON.stringify(value)}`);
  }
};
/** Same endpoint: origin and path (the query is the request's). */
const same = (u, e) => u.origin === e.origin && u.pathname === e.pathname;

/** Checks a scripted answer (docs/testing.md#outcomes, without `coop`) and fills its defaults. */
function parseOutcome(o, service, doneFields) {
  if (o === undefined) o = { done: true };
  if (typeof o !== 'object' || o === null)
    fail(`${service}.next() takes an outcome object, e.g. { done: true } or { error: 'access_denied' }`);
  for (const k of Object.keys(o)) {
    if (k === 'coop') fail(`${service}.next(): coop needs a server's header (vendo-connect/testing, with Playwright)`);
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
  for (const [k, v] of Object.entries(done)) {
    if (!doneFields.includes(k))
      fail(`${service}.next(): done takes ${doneFields.join(', ') || 'no fields'}, not "${k}"`);
    if (typeof v !== 'string' || !v) fail(`${service}.next(): done.${k} must be a non-empty string`);
  }
  return {
    ending,
    done,
    error: o.error,
    detail: o.detail ?? null,
    closeAfterMs: o.closeAfterMs,
    afterMs: o.afterMs ?? 0,
    noise: o.noise === true,
  };
}

/** A FIFO of scripted outcomes; an empty queue answers `done`. */
function script(service, doneFields, check = () => {}) {
  const queue = [];
  return {
    next(outcome) {
      const o = parseOutcome(outcome, service, doneFields);
      check(o);
      queue.push(o);
    },
    take: () => queue.shift() ?? parseOutcome(undefined, service, doneFields),
    clear: () => {
      queue.length = 0;
    },
  };
}

/** `uri` with `params` appended; existing parameters of the same names are replaced (as testing.js). */
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

/**
 * A hosted link's redirect URI problem, or null: the minting rules of vendo-connect/testing
 * (https, or http on a loopback host with any port; no userinfo, no fragment, the default port
 * elsewhere), and on this page's origin, where the popup answers.
 */
function redirectProblem(uri) {
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
  if (u.origin !== location.origin) return `redirect_uri must be on this page's origin (${location.origin})`;
  return null;
}

// ---------------------------------------------------------------------------------------
// The popup's side. These functions run in the popup's own realm (`inPopup`): their
// `postMessage` carries the popup as `event.source`, and their timers die with it.

/** Vendo's callback page (docs/wire.md#messages): posts to the opener at `openerOrigin`, waits for the ack. */
function vendoCallbackPage(payload, openerOrigin, noise, waitMs, acked) {
  let done = false;
  addEventListener('message', (e) => {
    if (done || e.origin !== openerOrigin || e.source !== window.opener) return;
    if (e.data?.type !== 'vendo:connection:ack' || e.data.connection_id !== payload.connection_id) return;
    done = true;
    acked({ type: e.data.type, connection_id: e.data.connection_id });
    window.close();
  });
  if (noise) window.opener.postMessage({ ...payload, state: `not-${payload.state}` }, openerOrigin);
  window.opener.postMessage(payload, openerOrigin);
  setTimeout(() => {
    if (!done) window.close();
  }, waitMs);
}

/**
 * The app's callback page at the redirect URI (completeCallback, docs/wire.md#callback-envelope):
 * the envelope to `window.opener` at this origin (on the flow's channel when there is no
 * opener), then the ack, or the wait's end, closes the window.
 */
function appCallbackPage(state, query, noise, waitMs) {
  const envelope = { type: 'vendo-connect:callback', state, query };
  const target = location.origin;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    channel?.close();
    window.close();
  };
  const channel = window.opener || !state ? null : new BroadcastChannel(`vendo-connect:${state}`);
  const isAck = (data) => data && data.type === 'vendo-connect:callback:ack' && data.state === state;
  if (channel) {
    channel.onmessage = (e) => isAck(e.data) && finish();
    channel.postMessage(envelope);
  } else if (window.opener) {
    addEventListener('message', (e) => {
      if (e.origin === target && e.source === window.opener && isAck(e.data)) finish();
    });
    if (noise) window.opener.postMessage({ ...envelope, state: `not-${state}` }, target);
    window.opener.postMessage(envelope, target);
  }
  setTimeout(finish, waitMs);
}

/**
 * A frame of an opaque origin (`"null"`) in the popup that posts `payload` to the opener, at
 * the opener's origin `target` (never `"*"`): noise.
 */
function foreignNoise(payload, target) {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.sandbox = 'allow-scripts';
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  frame.srcdoc = `<script>parent.opener && parent.opener.postMessage(${json}, ${JSON.stringify(target)});</script>`;
  document.body.append(frame);
}

/** Runs `f` (one of the functions above) with `args` in `popup`'s realm. */
function inPopup(popup, f, ...args) {
  if (!popup.closed) new popup.Function(`return (${f})`)()(...args);
}

/** Makes a blank popup a page of this origin (its address becomes this page's, so the package reads it as showing a page), with a line saying what it stands for. */
function adopt(popup, title) {
  const doc = popup.document;
  doc.open();
  doc.write(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title></title></head><body><p></p></body></html>`,
  );
  doc.close();
  doc.title = title;
  doc.querySelector('p').textContent = `${title} (scripted by vendo-connect/testing/page)`;
}

// ---------------------------------------------------------------------------------------

/**
 * Installs the in-page fakes (docs/testing.md#in-page-runners). Give one or more of `vendo`
 * (the `baseUrl` your app gives `connect()`: this page's origin, with an optional path
 * prefix), `oauth` (`{ issuer, clientId, redirectUris, authorizationEndpoint?, tokenEndpoint?,
 * revocationEndpoint?, iss? }`) and `links` (an origin for minted links; default this page's).
 * Returns `{ vendo, oauth, links, uninstall() }`.
 */
export function installPageFakes(options = {}) {
  if (typeof window !== 'object' || typeof window.open !== 'function')
    fail('installPageFakes() runs in the page under test (a browser), not in Node');
  if (window.__vendoConnectPageFakes) fail('the fakes are installed already: call uninstall() on them first');
  if (typeof options !== 'object' || options === null) fail('installPageFakes(): options must be an object');
  for (const k of Object.keys(options))
    if (!['vendo', 'oauth', 'links'].includes(k))
      fail(`installPageFakes(): unknown option "${k}" (known: vendo, oauth, links)`);
  if (options.vendo === undefined && options.oauth === undefined && options.links === undefined)
    fail('installPageFakes(): give at least one of vendo, oauth, links');
  const popups = new Set(); // the popups the fakes opened, closed by uninstall()
  const timers = new Set();
  const later = (f, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  /** The person closes the popup `ms` after it opened, as the window's close button does. */
  const closeLater = (popup, ms) => later(() => popup.close(), ms);
  /**
   * Opens the popup as a blank page of this origin, as the browser would the real one (a
   * blocked popup makes no request: nothing is recorded or taken from a queue), then plays the
   * outcome `visit()` gives: `[title, outcome, answer]`.
   */
  const play = (open, args, visit) => {
    const popup = open('about:blank', ...args.slice(1));
    if (!popup) return popup; // the browser's popup blocker refused it: the flow sees that
    popups.add(popup);
    const [title, outcome, answer] = visit();
    adopt(popup, title);
    if (outcome.ending === 'closeAfterMs') closeLater(popup, outcome.closeAfterMs);
    else if (outcome.ending !== 'noAnswer') answer(popup, ANSWER_DELAY_MS + outcome.afterMs);
    return popup;
  };

  /**
   * After `ms`, runs the page `f` with `args` in the popup's realm; with `noise`, a frame of an
   * opaque origin posts that message first.
   */
  const answerLater = (popup, ms, noise, f, ...args) =>
    later(() => {
      if (!noise) return inPopup(popup, f, ...args);
      // The frame runs in a process of its own: the answer waits until its message has reached
      // this window (so the flow has seen it too), or a second at most.
      let answered = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        removeEventListener('message', heard);
        inPopup(popup, f, ...args);
      };
      const heard = (e) => e.origin === 'null' && e.data?.type === noise.type && answer();
      addEventListener('message', heard);
      later(answer, NOISE_WAIT_MS);
      inPopup(popup, foreignNoise, noise, location.origin);
    }, ms);
  /** The app's callback page for `redirectUri` with `params` added, as a popup's answer. */
  const callbackAnswer = (redirectUri, params, state, noise, forged) => (popup, ms) => {
    const query = new URL(withParams(redirectUri, params)).search.slice(1);
    const foreign = noise && { type: 'vendo-connect:callback', state, query: forged };
    answerLater(popup, ms, foreign, appCallbackPage, state, query, noise, ACK_WAIT_MS);
  };

  const out = {};
  const routes = []; // (url, args, open) => popup | undefined, for window.open
  const endpoints = []; // (url) => (request => Promise<Response>) | undefined, for fetch

  if (options.vendo !== undefined) {
    const config = typeof options.vendo === 'string' ? { baseUrl: options.vendo } : options.vendo;
    if (typeof config !== 'object' || config === null || typeof config.baseUrl !== 'string')
      fail('vendo must be the baseUrl your app gives connect(), or { baseUrl }');
    const base = url(config.baseUrl, 'vendo.baseUrl');
    // The popup is of this page's origin; Vendo's messages must come from baseUrl's.
    if (base.origin !== location.origin)
      fail(`vendo.baseUrl must be this page's origin (${location.origin}): the popup answers from it`);
    const prefix = base.pathname.replace(/\/+$/, '');
    const outcomes = script('vendo', ['connectionId', 'externalId', 'displayName']);
    const requests = [];
    const acks = [];
    routes.push((u, args, open) => {
      if (u.origin !== base.origin || !u.pathname.startsWith(`${prefix}/`)) return undefined;
      const m = u.pathname.slice(prefix.length).match(/^\/api\/oauth\/([^/]+)\/authorize$/);
      if (!m) return undefined;
      const provider = decodeURIComponent(m[1]);
      const q = u.searchParams;
      return play(open, args, () => {
        requests.push({ provider, params: Object.fromEntries(q) });
        const o = outcomes.take();
        const state = q.get('state');
        const openerOrigin = q.get('opener_origin') ?? '';
        const payload =
          o.ending === 'done'
            ? {
                type: 'vendo:oauth:done',
                provider,
                connection_id: o.done.connectionId ?? crypto.randomUUID(),
                external_id: o.done.externalId ?? random('vendo_conn'),
                display_name: o.done.displayName ?? `Acme ${provider}`,
                return_url: q.get('returnTo'),
                state,
              }
            : {
                type: 'vendo:oauth:error',
                code: o.ending === 'denied' ? 'access_denied' : o.error,
                detail: o.ending === 'denied' ? 'the provider reported an error' : o.detail,
                provider,
                state,
              };
        const noise = { type: 'vendo:oauth:error', code: 'spoofed', detail: 'from another origin', provider, state };
        const record = (ack) => acks.push(ack);
        return [
          `Connect ${provider}`,
          o,
          (popup, ms) =>
            answerLater(
              popup,
              ms,
              o.noise && noise,
              vendoCallbackPage,
              payload,
              openerOrigin,
              o.noise,
              ACK_WAIT_MS,
              record,
            ),
        ];
      });
    });
    out.vendo = {
      baseUrl: `${base.origin}${prefix}`,
      /** Scripts the next `connect()`: `{ done: { connectionId, externalId, displayName } }`, `{ error, detail }`, … */
      next: outcomes.next,
      /** The authorize entry's query, one entry per flow, with its wire names. */
      requests,
      /** The `vendo:connection:ack` messages the callback page received. */
      acks,
      reset() {
        outcomes.clear();
        requests.length = 0;
        acks.length = 0;
      },
    };
  }

  if (options.oauth !== undefined) {
    const config = options.oauth;
    if (typeof config !== 'object' || config === null) fail('oauth must be { issuer, clientId, redirectUris, … }');
    const known = [
      'issuer',
      'clientId',
      'redirectUris',
      'authorizationEndpoint',
      'tokenEndpoint',
      'revocationEndpoint',
      'iss',
    ];
    for (const k of Object.keys(config))
      if (!known.includes(k)) fail(`oauth: unknown option "${k}" (known: ${known.join(', ')})`);
    if (typeof config.issuer !== 'string') fail('oauth.issuer must be the issuer identifier (a URL)');
    const issuer = url(config.issuer, 'oauth.issuer').href.replace(/\/$/, '');
    if (typeof config.clientId !== 'string' || !config.clientId) fail('oauth.clientId must be a non-empty string');
    const redirectUris = config.redirectUris;
    if (!Array.isArray(redirectUris) || !redirectUris.length || !redirectUris.every((u) => typeof u === 'string'))
      fail('oauth.redirectUris must list the redirect URIs registered for the client');
    for (const r of redirectUris)
      if (url(r, 'oauth.redirectUris').origin !== location.origin)
        fail(`oauth.redirectUris: ${r} is not on this page's origin (${location.origin}), where the popup answers`);
    const endpoint = (key, path) => url(config[key] ?? `${issuer}${path}`, `oauth.${key}`);
    const authorizationEndpoint = endpoint('authorizationEndpoint', '/authorize');
    const tokenEndpoint = endpoint('tokenEndpoint', '/token');
    const revocationEndpoint = endpoint('revocationEndpoint', '/revoke');
    const sendIss = config.iss ?? true;
    const outcomes = script('oauth', []);
    const tokenOutcomes = [];
    const codes = new Map(); // code -> { redirectUri, challenge, scope, expires, used, family }
    const refreshTokens = new Map(); // refresh token -> { scope, family }
    const accessTokens = new Map(); // access token -> { family }
    const authorizeRequests = [];
    const tokenRequests = [];
    const revocations = [];

    // RFC 6749 §4.1.1-4.1.2, RFC 7636 §4.3, RFC 9207: the authorization endpoint's answer at the redirect URI.
    routes.push((u, args, open) => {
      if (!same(u, authorizationEndpoint)) return undefined;
      const q = u.searchParams;
      const p = Object.fromEntries(q);
      return play(open, args, () => {
        authorizeRequests.push({ params: p });
        // An unknown client or an unregistered redirect URI: an error page, no redirect (§4.1.2.1).
        if (p.client_id !== config.clientId || !redirectUris.includes(p.redirect_uri ?? ''))
          return [
            'Invalid request: unknown client_id, or a redirect_uri not registered',
            parseOutcome({ noAnswer: true }, 'oauth', []),
          ];
        const o = outcomes.take();
        const repeated = [...new Set(q.keys())].some((k) => q.getAll(k).length > 1);
        let params;
        if (p.response_type !== 'code') params = { error: 'unsupported_response_type' };
        else if (!p.state || repeated || !p.code_challenge || p.code_challenge_method !== 'S256')
          params = {
            error: 'invalid_request',
            error_description: 'state and an S256 code_challenge are required, once',
          };
        else if (o.ending === 'done') {
          const code = random('code');
          codes.set(code, {
            redirectUri: p.redirect_uri,
            challenge: p.code_challenge,
            scope: p.scope ?? null,
            expires: Date.now() + CODE_TTL_MS,
            used: false,
            family: null,
          });
          params = { code };
        } else if (o.ending === 'denied') params = { error: 'access_denied' };
        else params = { error: o.error, error_description: o.detail ?? undefined };
        params = { ...params, state: p.state, iss: sendIss ? issuer : undefined };
        const state = p.state ?? '';
        const forged = `code=forged&state=${encodeURIComponent(state)}`;
        return ['Sign in', o, callbackAnswer(p.redirect_uri, params, state, o.noise, forged)];
      });
    });

    const json = (status, body) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      });
    /** A token request body, as a server reads it: form or JSON of strings; null when unreadable. */
    const readBody = async (request) => {
      const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      const text = await request.text();
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
    };
    const issue = (scope, family) => {
      const access = random('at');
      const refresh = random('rt');
      accessTokens.set(access, { family });
      refreshTokens.set(refresh, { scope, family });
      return {
        access_token: access,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: refresh,
        ...(scope ? { scope } : {}),
      };
    };
    const revokeFamily = (family) => {
      for (const [t, v] of refreshTokens) if (v.family === family) refreshTokens.delete(t);
      for (const [t, v] of accessTokens) if (v.family === family) accessTokens.delete(t);
    };

    // RFC 6749 §4.1.3 / §6 with RFC 7636 §4.6; OAuth 2.1 refresh token rotation.
    const tokenStep = async (request) => {
      const { encoding, body } = await readBody(request);
      tokenRequests.push({ encoding, body });
      const scripted = tokenOutcomes.shift();
      if (scripted?.error)
        return json(scripted.status, {
          error: scripted.error,
          ...(scripted.detail ? { error_description: scripted.detail } : {}),
        });
      const bad = (error, description) => json(400, { error, error_description: description });
      if (!body)
        return bad('invalid_request', 'the body must be application/x-www-form-urlencoded, or JSON of strings');
      if (body.client_secret !== undefined || body.client_id !== config.clientId)
        return json(401, { error: 'invalid_client', error_description: 'a public client, known, with no secret' });
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
        if (c.redirectUri !== body.redirect_uri)
          return bad('invalid_grant', 'redirect_uri differs from the authorization request');
        if (typeof body.code_verifier !== 'string' || !VERIFIER.test(body.code_verifier))
          return bad('invalid_grant', 'code_verifier is missing or malformed');
        if ((await s256(body.code_verifier)) !== c.challenge) return bad('invalid_grant', 'PKCE verification failed');
        c.family = random('family');
        answer = issue(c.scope, c.family);
      } else if (body.grant_type === 'refresh_token') {
        const r = refreshTokens.get(body.refresh_token ?? '');
        if (!r) return bad('invalid_grant', 'the refresh token is unknown, used or revoked');
        refreshTokens.delete(body.refresh_token); // rotation: each refresh token works once
        answer = issue(r.scope, r.family);
      } else {
        return bad('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
      }
      return json(200, { ...answer, ...(scripted?.done ?? {}) });
    };
    // RFC 7009 §2: 200 whatever the token's state.
    const revokeStep = async (request) => {
      const { encoding, body } = await readBody(request);
      revocations.push({ encoding, body });
      if (!body || typeof body.token !== 'string')
        return json(400, { error: 'invalid_request', error_description: 'token is required' });
      const r = refreshTokens.get(body.token) ?? accessTokens.get(body.token);
      if (r) revokeFamily(r.family);
      return json(200, {});
    };
    endpoints.push((u) => {
      const step = same(u, tokenEndpoint) ? tokenStep : same(u, revocationEndpoint) ? revokeStep : null;
      if (!step) return undefined;
      return (request) => (request.method === 'POST' ? step(request) : json(405, { error: 'invalid_request' }));
    });

    out.oauth = {
      issuer,
      authorizationEndpoint: authorizationEndpoint.href,
      tokenEndpoint: tokenEndpoint.href,
      revocationEndpoint: revocationEndpoint.href,
      clientId: config.clientId,
      /** Scripts the next `authorize()`: `{ done: true }`, `{ error, detail }`, `{ denied: true }`, … */
      next: outcomes.next,
      /** The token endpoint's next answer: `{ error, detail?, status? }` (status 400 by default), or `{ done: { …fields } }`. */
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
        authorizeRequests.length = 0;
        tokenRequests.length = 0;
        revocations.length = 0;
      },
    };
  }

  // Hosted connect links (docs/wire.md#callback-query). A link function's flow opens its popup
  // blank and navigates it once the link is minted: such a popup is made a page of this origin
  // at once, and its navigation to a minted link is stopped (`window.stop()`, in the same turn)
  // and answered there, as the link page's redirect to the callback page would be.
  let adoptBlank = null;
  if (options.links !== undefined) {
    const origin = url(options.links === true ? location.origin : options.links, 'links').origin;
    const outcomes = script('links', ['tool', 'connectionId'], (o) => {
      if (o.ending === 'error' && o.detail !== null)
        fail('links.next(): a connect link returns a code only (no detail)');
      if (o.ending === 'error' && !LINK_CODES.includes(o.error))
        fail(`links.next(): a connect link returns one of ${LINK_CODES.join(', ')}`);
    });
    const links = new Map(); // link -> { tool, redirectUri, used }
    const visits = [];
    const minted = []; // links not visited yet, in minting order
    /** The answer to a visit of `link` (a popup of this origin, blank and adopted already). */
    const visit = (link) => {
      const l = links.get(link);
      visits.push({ link, known: true });
      const i = minted.indexOf(link);
      if (i >= 0) minted.splice(i, 1);
      if (l.used) {
        // A second visit: the link page returns invalid_state (docs/testing.md#installing-the-fakes).
        const o = parseOutcome({ error: 'invalid_state' }, 'links', []);
        return [o, { status: 'error', error: 'invalid_state' }, l];
      }
      l.used = true;
      const o = outcomes.take();
      const params =
        o.ending === 'done'
          ? {
              status: 'ok',
              tool: o.done.tool ?? l.tool,
              connection_id: o.done.connectionId ?? `conn_${crypto.randomUUID()}`,
            }
          : { status: 'error', error: o.ending === 'denied' ? 'oauth_denied' : o.error };
      return [o, params, l];
    };
    const answerFor = ([o, params, l]) => {
      const state = new URL(l.redirectUri).searchParams.get('vc_state') ?? '';
      const forged = `status=ok&tool=forged&connection_id=forged&vc_state=${encodeURIComponent(state)}`;
      return callbackAnswer(l.redirectUri, params, state, o.noise, forged);
    };
    routes.push((u, args, open) => {
      if (u.origin !== origin || !links.has(u.href)) return undefined;
      return play(open, args, () => {
        const v = visit(u.href);
        return [`Connect ${v[2].tool}`, v[0], answerFor(v)];
      });
    });
    adoptBlank = (popup) => {
      adopt(popup, 'Connecting…');
      let visited = false;
      popup.addEventListener('beforeunload', () => {
        const link = minted[0];
        if (visited || !link) return;
        visited = true;
        // The navigation the flow just started is to the link its function minted (the oldest
        // not visited yet): stopped at once, the link page's answer played in this window instead.
        queueMicrotask(() => popup.stop());
        const v = visit(link);
        const o = v[0];
        popup.document.title = `Connect ${v[2].tool}`;
        if (o.ending === 'closeAfterMs') closeLater(popup, o.closeAfterMs);
        else if (o.ending !== 'noAnswer') answerFor(v)(popup, ANSWER_DELAY_MS + o.afterMs);
      });
    };
    out.links = {
      origin,
      /** Scripts the next link's answer: `{ done: { tool, connectionId } }`, `{ error: 'oauth_denied' }`, … */
      next: outcomes.next,
      /** A one-time link for `redirectUri`, as your backend would mint it (your link function returns it). */
      mint({ redirectUri, tool = 'google_sheets', ...rest } = {}) {
        if (Object.keys(rest).length) fail(`links.mint(): unknown option "${Object.keys(rest)[0]}"`);
        if (typeof tool !== 'string' || !tool) fail('links.mint(): tool must be a connector slug');
        const problem = typeof redirectUri === 'string' ? redirectProblem(redirectUri) : 'redirect_uri is required';
        if (problem) {
          const e = new Error(`INVALID_REDIRECT_URI: ${problem}`);
          e.code = 'INVALID_REDIRECT_URI';
          throw e;
        }
        const link = `${origin}${LINK_PATH}${random('cl')}`;
        links.set(link, { tool, redirectUri, used: false });
        minted.push(link);
        return link;
      },
      /** Each visit of a link: `{ link, known }`. */
      visits,
      reset() {
        outcomes.clear();
        links.clear();
        minted.length = 0;
        visits.length = 0;
      },
    };
  }

  const realOpen = window.open;
  const realFetch = window.fetch;
  window.open = function open(...args) {
    const openHere = (...a) => realOpen.apply(this, a);
    const target = args[0] === undefined ? '' : String(args[0]);
    if (target === '' || target === 'about:blank') {
      const popup = openHere(...args);
      if (popup && adoptBlank) {
        popups.add(popup);
        adoptBlank(popup);
      }
      return popup;
    }
    let u = null;
    try {
      u = new URL(target, location.href);
    } catch {
      /* not ours: window.open reports it */
    }
    for (const route of u ? routes : []) {
      const popup = route(u, args, openHere);
      if (popup !== undefined) return popup;
    }
    return openHere(...args);
  };
  window.fetch = function fetch(input, init) {
    // Only a request to a faked endpoint is read (a Request's body can be read once).
    let u = null;
    try {
      u = new URL(input instanceof Request ? input.url : String(input), location.href);
    } catch {
      /* not ours: fetch reports it */
    }
    for (const endpoint of u ? endpoints : []) {
      const answer = endpoint(u);
      if (answer) {
        try {
          return Promise.resolve(answer(new Request(input, init)));
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
    return realFetch.call(window, input, init);
  };
  window.__vendoConnectPageFakes = true;
  out.uninstall = () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const p of popups) if (!p.closed) p.close();
    popups.clear();
    window.open = realOpen;
    window.fetch = realFetch;
    delete window.__vendoConnectPageFakes;
  };
  return out;
}
