// vendo-connect: the package entry (docs/architecture.md#npm-package). `init()` loads the
// wasm once; every flow then opens its popup synchronously, inside the caller's click.
//
// The wasm is synchronous: this file owns the Promises (a flow's `resolve`/`reject` go to
// the engine, which calls one of them exactly once), awaits the app's link function, and
// sends token requests with `fetch`. Every rule (validation, request bodies, judging the
// answers) stays in the wasm; this file only moves values (docs/architecture.md#size).
import * as wasm from './vendo_connect.js';

export { default, initSync } from './vendo_connect.js';
export {
  generatePkce, pkceChallenge, generateState, parseVendoMessage, parseCallbackUrl, sanitizeReturnTo,
} from './vendo_connect.js';
import { ConnectError } from '__CONNECT_ERROR__';

export { ConnectError };

// Options are read here, as JS reads them: camelCase, `null`/`undefined` for absent, and
// their types checked (a wrong type is `invalid_options` naming the option). Every value
// rule and every default is the engine's (docs/options.md).
const bad = (key, what) => { throw new ConnectError('invalid_options', `${key} must be ${what}`); };
const read = (o, key) => { try { return o[key] ?? undefined; } catch { return bad(key, 'readable'); } };
const typed = (type, what) => (o, key) => {
  const v = read(o, key);
  return v === undefined || typeof v === type ? v : bad(key, what);
};
const str = typed('string', 'a string');
const bool = typed('boolean', 'a boolean');
const fn = typed('function', 'a function');
const num = (o, key) => {
  const v = typed('number', 'a finite number')(o, key);
  return v === undefined || Number.isFinite(v) ? v : bad(key, 'a finite number');
};
const object = (v, key) => (v === undefined ? {} : v !== null && typeof v === 'object' ? v : bad(key, 'an object'));
const strings = (o, key) => {
  const v = read(o, key);
  if (v === undefined) return [];
  if (typeof v === 'string') return v.split(' ').filter(Boolean);
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : bad(key, 'a string or an array of strings');
};
const forbid = (o, key, why) => {
  if (read(o, key) !== undefined) throw new ConnectError('invalid_options', `${key} is not accepted: ${why}`);
};
const instance = (o, key, ok, what) => {
  const v = read(o, key);
  return v === undefined || ok(v) ? v : bad(key, what);
};
const common = (o) => {
  const popup = object(read(o, 'popup'), 'popup');
  return [num(o, 'timeoutMs'), num(o, 'closedGraceMs'), bool(o, 'detectClose'), bool(o, 'closePopup'),
    num(popup, 'width'), num(popup, 'height'), str(popup, 'name'),
    instance(o, 'window', (w) => typeof w === 'object' && w !== null && w.window === w, 'a Window'),
    instance(o, 'signal', (s) => s instanceof AbortSignal, 'an AbortSignal'), fn(o, 'onEvent')];
};
const options = (v) => object(v, 'options');
const flow = (start) => (value) => new Promise((resolve, reject) => start(options(value), resolve, reject));

/** `connect(options)` (docs/flows.md#connect). */
export const connect = flow((o, resolve, reject) => wasm.connect(str(o, 'baseUrl') ?? '', str(o, 'provider') ?? '',
  str(o, 'appKey'), str(o, 'returnTo'), str(o, 'state'), common(o), resolve, reject));

/** `authorize(options)` (docs/flows.md#authorize). */
export const authorize = flow((o, resolve, reject) => {
  forbid(o, 'clientSecret', 'secrets stay on servers; use a public client with PKCE');
  const extra = read(o, 'extraParams');
  const pairs = extra === undefined ? [] : typeof extra === 'object' && !Array.isArray(extra)
    ? Object.entries(extra).flatMap(([k, v]) => (typeof v === 'string' ? [k, v] : bad('extraParams', 'an object whose values are strings')))
    : bad('extraParams', 'an object of strings');
  wasm.authorize(str(o, 'authorizationEndpoint') ?? '', str(o, 'clientId') ?? '', str(o, 'redirectUri') ?? '',
    strings(o, 'scope'), pairs, str(o, 'issuer'), str(o, 'state'), bool(o, 'pkce'), common(o), resolve, reject);
});

/** `completeCallback(options)` (docs/flows.md#callback-page). */
export const completeCallback = flow((o, resolve, reject) =>
  wasm.completeCallback(str(o, 'openerOrigin'), num(o, 'ackTimeoutMs'), resolve, reject));

/**
 * `openConnectLink(link, options)` (docs/flows.md#connect-link). A link function is called
 * at once, inside the click, with the redirect URI to mint for; if it throws or rejects,
 * the flow rejects with that very value.
 */
export function openConnectLink(link, value) {
  return new Promise((resolve, reject) => {
    const o = options(value);
    const isFunction = typeof link === 'function';
    if (!isFunction && typeof link !== 'string') bad('link', 'a URL string or a function');
    let failed = false;
    let failure;
    const mint = wasm.openConnectLink(isFunction ? undefined : link, str(o, 'redirectUri'), str(o, 'state'), common(o),
      resolve, (e) => reject(failed ? failure : e));
    if (!mint) return;
    const [redirectUri, minted] = mint;
    const fail = (e) => { failed = true; failure = e; minted(undefined, true); };
    let pending;
    try {
      pending = link(redirectUri);
    } catch (e) {
      fail(e);
      return;
    }
    Promise.resolve(pending).then((url) => minted(url, false), fail);
  });
}

/** `validateRedirectUri(uri, { allowedHosts })` (docs/flows.md#helpers). */
export const validateRedirectUri = (uri, value) => {
  const hosts = read(options(value), 'allowedHosts');
  if (hosts !== undefined && !(Array.isArray(hosts) && hosts.every((h) => typeof h === 'string'))) {
    bad('allowedHosts', 'an array of strings');
  }
  return wasm.validateRedirectUri(uri, hosts ?? []);
};

// Token helpers (docs/flows.md#tokens): the wasm checks the options and builds the body,
// `fetch` sends it, the wasm judges the answer.
const TOKEN_FIELDS = [
  ['tokenEndpoint', 'clientId', 'code', 'codeVerifier', 'redirectUri'],
  ['tokenEndpoint', 'clientId', 'refreshToken'],
  ['revocationEndpoint', 'clientId', 'token'],
];
const token = (kind) => async (value) => {
  const o = options(value);
  forbid(o, 'clientSecret', 'secrets stay on servers');
  const request = wasm.tokenRequest(kind, TOKEN_FIELDS[kind].map((k) => str(o, k) ?? ''), str(o, 'bodyEncoding'));
  let status;
  let json;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'Content-Type': request.contentType, Accept: 'application/json' },
      body: request.body,
    });
    status = response.status;
    const text = await response.text();
    try { json = JSON.parse(text); } catch { json = undefined; }
  } catch {
    throw request.unreachable;
  }
  return wasm.tokenResult(kind, status, json);
};

/** `exchangeCode(options)`. */
export const exchangeCode = token(0);
/** `refreshToken(options)`. */
export const refreshToken = token(1);
/** `revokeToken(options)`. */
export const revokeToken = token(2);
