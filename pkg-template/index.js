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
  generatePkce, pkceChallenge, generateState, parseVendoMessage, parseCallbackUrl, validateRedirectUri,
  sanitizeReturnTo,
} from './vendo_connect.js';
export { ConnectError } from '__CONNECT_ERROR__';

const flow = (start) => (options) => new Promise((resolve, reject) => start(options, resolve, reject));

/** `connect(options)` (docs/flows.md#connect). */
export const connect = flow(wasm.connect);
/** `authorize(options)` (docs/flows.md#authorize). */
export const authorize = flow(wasm.authorize);
/** `completeCallback(options)` (docs/flows.md#callback-page). */
export const completeCallback = flow(wasm.completeCallback);

/**
 * `openConnectLink(link, options)` (docs/flows.md#connect-link). A link function is called
 * at once, inside the click, with the redirect URI to mint for; if it throws or rejects,
 * the flow rejects with that very value.
 */
export function openConnectLink(link, options) {
  return new Promise((resolve, reject) => {
    let failed = false;
    let failure;
    const isFunction = typeof link === 'function';
    const mint = wasm.openConnectLink(isFunction ? null : link ?? undefined, options, resolve,
      (e) => reject(failed ? failure : e));
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

// Token helpers (docs/flows.md#tokens): the wasm checks the options and builds the body,
// `fetch` sends it, the wasm judges the answer.
const token = (kind) => async (options) => {
  const request = wasm.tokenRequest(kind, options);
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
