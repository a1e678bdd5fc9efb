// vendo-connect: the package entry (docs/architecture.md#npm-package).
//
// Importing it in a browser starts loading the wasm, without waiting for it: `ready()` is a
// promise for the load, and a flow called before the wasm is ready still opens its popup
// inside the click (blank at first, navigated once the wasm is ready). In Node importing
// does nothing; `ready()` loads the wasm from the package (docs/architecture.md#loading).
//
// The wasm is synchronous: this file owns the Promises (a flow's `resolve`/`reject` go to
// the engine, which calls one of them exactly once), awaits the app's link function, and
// sends token requests with `fetch`. Every rule (validation, request bodies, judging the
// answers) stays in the wasm; this file only moves values (docs/architecture.md#size).
import * as wasm from './vendo_connect.js';
import { ConnectError } from '__CONNECT_ERROR__';
// The positions and numbers the wasm reads, the modes and where popups cannot work: generated
// from src/boundary.rs (docs/architecture.md#boundary).
import {
  AUTHORIZE_APP_STATE,
  AUTHORIZE_AUTHORIZATION_ENDPOINT,
  AUTHORIZE_CLIENT_ID,
  AUTHORIZE_EXTRA_PARAMS,
  AUTHORIZE_ISSUER,
  AUTHORIZE_PKCE,
  AUTHORIZE_REDIRECT_URI,
  AUTHORIZE_SCOPE,
  AUTHORIZE_STATE,
  CALLBACK_PAGE_ACK_TIMEOUT_MS,
  CALLBACK_PAGE_OPENER_ORIGIN,
  COMMON_CLOSE_POPUP,
  COMMON_CLOSED_GRACE_MS,
  COMMON_DETECT_CLOSE,
  COMMON_HEIGHT,
  COMMON_NAME,
  COMMON_ON_EVENT,
  COMMON_PLACE,
  COMMON_SIGNAL,
  COMMON_TIMEOUT_MS,
  COMMON_WIDTH,
  COMMON_WINDOW,
  CONNECT_APP_KEY,
  CONNECT_BASE_URL,
  CONNECT_LINK_APP_STATE,
  CONNECT_LINK_LINK,
  CONNECT_LINK_REDIRECT_URI,
  CONNECT_LINK_STATE,
  CONNECT_PROVIDER,
  CONNECT_RETURN_TO,
  CONNECT_STATE,
  FLOW_COMMON,
  FLOW_MODE,
  FLOW_UNSUPPORTED,
  HELPER_GENERATE_PKCE,
  HELPER_GENERATE_STATE,
  HELPER_PARSE_CALLBACK_URL,
  HELPER_PARSE_VENDO_MESSAGE,
  HELPER_PKCE_CHALLENGE,
  HELPER_SANITIZE_RETURN_TO,
  HELPER_VALIDATE_REDIRECT_URI,
  IN_APP_BROWSERS,
  IOS_STANDALONE,
  MODE_AUTO,
  MINTING_MINTED,
  MINTING_REDIRECT_URI,
  MODE_POPUP,
  PREPARED_BODY,
  PREPARED_CONTENT_TYPE,
  PREPARED_UNREACHABLE,
  PREPARED_URL,
  TOKEN_EXCHANGE_CODE,
  TOKEN_REFRESH_TOKEN,
  TOKEN_REVOKE_TOKEN,
  TOKEN_VALUES,
} from './boundary.js';

export { ConnectError };

const browser = typeof window === 'object' && typeof document === 'object';
let loading;
let loaded = false;
let failure;

/** The `load_failed` error for why the wasm could not load, with the likely cause. */
const loadFailed = (cause) => {
  const text = String(cause?.message || cause);
  const why = /Content.Security.Policy|unsafe-eval|wasm-eval/i.test(text)
    ? "the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src"
    : /copy/.test(text)
      ? 'the server has neither the wasm nor its JS copy: serve the wasm your bundler emitted (without a bundler, node_modules/vendo-connect/ as it is published) as application/wasm, or pass the wasm to init({ module_or_path })'
      : 'the wasm could not be fetched or compiled';
  return new ConnectError('load_failed', `${why} (${text})`);
};

/**
 * The wasm for `init()` without arguments (docs/architecture.md#loading). In a page, the
 * package's `vendo_connect_bg.wasm`, which bundlers emit through `new URL(…, import.meta.url)`,
 * compiled while it streams. Where that URL does not answer with wasm (a dev server that
 * pre-bundled the package, a bundler that emits no assets: a 404, an HTML page, a fetch
 * error), its copy as a JS module, imported only then: `import()` gives it a chunk of its own.
 * Outside a page (Node, a server render), the file read from the package's folder.
 */
const wasmSource = async () => {
  if (!browser) {
    const fs = globalThis.process?.getBuiltinModule?.('node:fs');
    if (!fs) throw new Error('this runtime cannot read files: pass the wasm to init({ module_or_path })');
    // Not `new URL('…', import.meta.url)`, which webpack and Turbopack turn into a URL of
    // their own for the browser even in a server bundle: the package file's own URL, edited.
    return fs.readFileSync(new URL(import.meta.url.replace(/[^/]*$/, 'vendo_connect_bg.wasm')));
  }
  let missed;
  try {
    // (Without import.meta, as in an iife bundle, this throws: the copy, then.)
    missed = new URL('vendo_connect_bg.wasm', import.meta.url);
    const response = await fetch(missed);
    const type = response.headers.get('Content-Type');
    // Its first bytes, from a copy of the stream, so that the wasm still compiles as it
    // streams: whatever its type, a body that is not wasm (a server's catch-all page
    // labelled by the extension) means the copy.
    const head = response.clone().body?.getReader();
    const first = (await head?.read())?.value ?? [];
    head?.cancel();
    if (response.ok && String.fromCharCode(...first.slice(0, 4)) === '\0asm')
      return type === 'application/wasm' ? response : new Uint8Array(await response.arrayBuffer());
    missed += ` answered ${response.status} ${type}`;
  } catch (e) {
    missed += `: ${e}`;
  }
  try {
    // Vite's client builds always emit the wasm: there the copy is left out (with the
    // preload helper an import() would add). webpack's always do too: it leaves the import
    // to the browser rather than add its chunk-loading runtime.
    return Uint8Array.from(
      atob(
        (
          await (import.meta.env?.PROD && !import.meta.env.SSR
            ? Promise.reject(Error('a Vite build has none'))
            : import(/* webpackIgnore: true */ './vendo_connect_wasm.js'))
        ).default,
      ),
      (c) => c.charCodeAt(0),
    );
  } catch (e) {
    throw new Error(`${missed}; its JS copy, vendo_connect_wasm.js: ${e}`);
  }
};

/**
 * Loads the wasm, once; every later call returns the same promise. Call it yourself, before
 * the first use and in the same turn as the import, only to load the wasm from elsewhere:
 * `init({ module_or_path: url | Response | bytes | WebAssembly.Module })`.
 */
export function init(options) {
  loading ??= (async () => {
    await wasm.default(options ?? { module_or_path: await wasmSource() });
    loaded = true;
  })().catch((e) => {
    throw (failure = loadFailed(e));
  });
  return loading;
}
export default init;

/** A promise for the wasm: resolves once it is loaded, rejects with `load_failed`. */
export const ready = () => init();

/** Loads the wasm synchronously from a `WebAssembly.Module` or bytes: `initSync({ module })`. */
export function initSync(module) {
  const out = wasm.initSync(module);
  loaded = true;
  loading ??= Promise.resolve();
  return out;
}

/**
 * `popupSupport()` → `{ popup, reason }`: whether a popup can work here (docs/flows.md#redirect-mode).
 * Needs no wasm: the table is `redirect::IN_APP_BROWSERS`, in boundary.js, so `mode: 'auto'`
 * can choose inside the click, before the wasm is ready.
 */
export function popupSupport() {
  const nav = globalThis.navigator;
  const ua = String(nav?.userAgent ?? '');
  const reason =
    nav?.standalone === true ? IOS_STANDALONE : (IN_APP_BROWSERS.find(([token]) => ua.includes(token))?.[1] ?? null);
  return { popup: reason === null, reason };
}

// In a browser the wasm starts loading now, unless the app calls init() itself first.
if (browser) queueMicrotask(() => init().catch(() => {}));

/** The wasm's value, or the `ConnectError` it returned for a failure, thrown. */
const thrown = (v) => {
  if (v instanceof ConnectError) throw v;
  return v;
};

/** A synchronous helper: it needs the wasm loaded. */
const helper =
  (name, f) =>
  (...args) => {
    if (!loaded)
      throw new ConnectError('not_ready', `${name}() needs the wasm, which is not loaded yet: await ready() first`);
    return thrown(f(...args));
  };

// Options are read here, as JS reads them: camelCase, `null`/`undefined` for absent, and
// their types checked. Every value rule and every default is the engine's (docs/options.md).
// Each call's readers record the keys they read; once a call is read (`reading`), a key of
// its objects that no reader read is an unknown option, named with the nearest key that was
// read (docs/decisions.md#unknown-options): so the readers below are the one list of the
// options. Then a missing required option, then a value of the wrong type, each
// `invalid_options` naming the option.
const invalid = (text) => {
  throw new ConnectError('invalid_options', text);
};
let reads; // object → the keys read from it, for the call being read
let missing; // the first required option that is absent
let wrong; // the first value of the wrong type
const bad = (key, what) => {
  wrong ??= `${key} must be ${what}`;
};
const read = (o, key) => {
  reads.get(o)?.add(key) ?? reads.set(o, new Set([key]));
  try {
    return o[key] ?? undefined;
  } catch {
    return bad(key, 'readable');
  }
};
/** Option `key` of `o`: absent (`undefined`; missing if `required`), or a value `ok` accepts. */
const check = (o, key, ok, what, required) => {
  const v = read(o, key);
  return v === undefined ? void (required && (missing ??= key)) : ok(v) ? v : bad(key, what);
};
const typed = (type, what) => (o, key, required) => check(o, key, (v) => typeof v === type, what, required);
const str = typed('string', 'a string');
const bool = typed('boolean', 'a boolean');
const fn = typed('function', 'a function');
const num = (o, key) => check(o, key, Number.isFinite, 'a finite number');
const object = (v, key) =>
  v === undefined
    ? {}
    : v !== null && typeof v === 'object' && !Array.isArray(v)
      ? v
      : invalid(`${key} must be an object${Array.isArray(v) ? ', not an array' : ''}`);
const allStrings = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const strings = (o, key) => {
  const v = check(o, key, (v) => typeof v === 'string' || allStrings(v), 'a string or an array of strings');
  return v === undefined ? [] : typeof v === 'string' ? v.split(' ').filter(Boolean) : v;
};
const forbid = (o, key, why) => read(o, key) === undefined || invalid(`${key} is not accepted: ${why}`);
/** Edit distance (Levenshtein) of two option names, compared lower-case without `_` and `-`. */
const distance = (a, b) => {
  const plain = (k) => k.toLowerCase().replace(/[_-]/g, '');
  [a, b] = [plain(a), plain(b)];
  let prev = [...Array(b.length + 1).keys()];
  for (const x of a) {
    const row = [prev[0] + 1];
    for (let j = 0; j < b.length; j++) row.push(Math.min(prev[j + 1] + 1, row[j] + 1, prev[j] + (x !== b[j])));
    prev = row;
  }
  return prev[b.length];
};
/**
 * `f` as a call's reader: after it, every key of each object it read from (own or
 * inherited, enumerable) must have been read, else `invalid_options` names the unknown key
 * and the nearest known one (at most 2 edits away, and fewer than half its length).
 */
const reading =
  (f) =>
  (...args) => {
    reads = new Map();
    missing = wrong = undefined;
    const out = f(...args);
    const seen = reads;
    reads = 0; // the caller's objects are not kept past the call
    for (const [o, known] of seen) {
      for (const key in o) {
        if (known.has(key)) continue;
        let near = '';
        let best = 3;
        for (const k of known) {
          const d = distance(key, k);
          if (d < best && d * 2 < key.length) [near, best] = [`: did you mean ${k}?`, d];
        }
        invalid(`unknown option ${key}${near}`);
      }
    }
    if (missing) invalid(`${missing} is required`);
    if (wrong) invalid(wrong);
    return out;
  };
// Each array the wasm reads is filled by position (boundary.js), in the order its options are read.
/** The common options' array (`boundary::Common`). */
const common = (o) => {
  const popup = object(read(o, 'popup'), 'popup');
  const c = [];
  c[COMMON_TIMEOUT_MS] = num(o, 'timeoutMs');
  c[COMMON_CLOSED_GRACE_MS] = num(o, 'closedGraceMs');
  c[COMMON_DETECT_CLOSE] = bool(o, 'detectClose');
  c[COMMON_CLOSE_POPUP] = bool(o, 'closePopup');
  c[COMMON_WIDTH] = num(popup, 'width');
  c[COMMON_HEIGHT] = num(popup, 'height');
  c[COMMON_NAME] = str(popup, 'name');
  c[COMMON_WINDOW] = check(o, 'window', (w) => typeof w === 'object' && w !== null && w.window === w, 'a Window');
  c[COMMON_SIGNAL] = check(o, 'signal', (s) => s instanceof AbortSignal, 'an AbortSignal');
  c[COMMON_ON_EVENT] = fn(o, 'onEvent');
  c[COMMON_PLACE] = false;
  return c;
};
const options = (v) => object(v, 'options');

/**
 * A flow: `reader` reads the options (`reading` checks them, throwing before anything
 * opens) and gives `{ mode, common, values }`, `values` at the flow's own positions; `start`
 * (the wasm's export) gets them as one array, with the head (`boundary::Head`) filled in: the
 * mode, why popups cannot work here (or null) and the common options; and `resolve`/`reject`.
 * Before the wasm is ready, a flow that will run in a popup opens its window blank now,
 * inside the click, and starts on it once the wasm is ready.
 */
const flow =
  (reader, start) =>
  (...given) =>
    new Promise((resolve, reject) => {
      const { mode, common, values } = reading(reader)(...given);
      const unsupported = popupSupport().reason;
      const inPopup = mode === undefined || mode === MODE_POPUP || (mode === MODE_AUTO && !unsupported);
      if (!browser) throw new ConnectError('unsupported_environment', 'flows open popups: call them in a browser page');
      const args = values;
      args[FLOW_MODE] = mode;
      args[FLOW_UNSUPPORTED] = unsupported;
      args[FLOW_COMMON] = common;
      if (loaded) return start(args, resolve, reject);
      if (failure) throw failure;
      let early;
      if (inPopup && common && common[COMMON_WINDOW] === undefined && !common[COMMON_SIGNAL]?.aborted) {
        // No name given: window.open's own default target, a new window (the engine's default too).
        early = window.open('about:blank', common[COMMON_NAME], 'popup=yes') || undefined;
        if (early) {
          common[COMMON_WINDOW] = early;
          common[COMMON_PLACE] = true;
        }
      }
      init().then(
        () => {
          let starting = true;
          start(args, resolve, (e) => {
            if (starting) early?.close(); // refused before it started: the blank window was ours
            reject(e);
          });
          starting = false;
        },
        (e) => {
          early?.close();
          reject(e);
        },
      );
    });

/**
 * A flow's `read` result: its own `values` (read first), then `mode`, `appState` (for the
 * flows that take one, at position `appState`) and the common options, read in that order.
 */
const flowOptions = (o, values, appState) => {
  const mode = str(o, 'mode');
  if (appState !== undefined) values[appState] = read(o, 'appState');
  return { values, mode, common: common(o) };
};

/** `connect(options)` (docs/flows.md#connect). */
export const connect = flow((value) => {
  const o = options(value);
  const v = [];
  v[CONNECT_BASE_URL] = str(o, 'baseUrl', 1);
  v[CONNECT_PROVIDER] = str(o, 'provider', 1);
  v[CONNECT_APP_KEY] = str(o, 'appKey');
  v[CONNECT_RETURN_TO] = str(o, 'returnTo');
  v[CONNECT_STATE] = str(o, 'state');
  return flowOptions(o, v);
}, wasm.connect);

/** `authorize(options)` (docs/flows.md#authorize). */
export const authorize = flow((value) => {
  const o = options(value);
  forbid(o, 'clientSecret', 'secrets stay on servers; use a public client with PKCE');
  const extra = read(o, 'extraParams');
  const pairs =
    extra === undefined
      ? []
      : typeof extra === 'object' && !Array.isArray(extra)
        ? Object.entries(extra).flatMap(([k, v]) =>
            typeof v === 'string' ? [k, v] : bad('extraParams', 'an object whose values are strings'),
          )
        : bad('extraParams', 'an object of strings');
  const v = [];
  v[AUTHORIZE_AUTHORIZATION_ENDPOINT] = str(o, 'authorizationEndpoint', 1);
  v[AUTHORIZE_CLIENT_ID] = str(o, 'clientId', 1);
  v[AUTHORIZE_REDIRECT_URI] = str(o, 'redirectUri', 1);
  v[AUTHORIZE_SCOPE] = strings(o, 'scope');
  v[AUTHORIZE_EXTRA_PARAMS] = pairs;
  v[AUTHORIZE_ISSUER] = str(o, 'issuer');
  v[AUTHORIZE_STATE] = str(o, 'state');
  v[AUTHORIZE_PKCE] = bool(o, 'pkce');
  return flowOptions(o, v, AUTHORIZE_APP_STATE);
}, wasm.authorize);

const callbackPage = (value) => {
  const o = options(value);
  const v = [];
  v[CALLBACK_PAGE_OPENER_ORIGIN] = str(o, 'openerOrigin');
  v[CALLBACK_PAGE_ACK_TIMEOUT_MS] = num(o, 'ackTimeoutMs');
  return { values: v };
};

/** `completeCallback(options)` (docs/flows.md#callback-page): a popup's callback page. */
export const completeCallback = flow(callbackPage, wasm.completeCallback);

/**
 * `completeRedirect(options)` (docs/flows.md#redirect-mode): the redirect page, in either
 * mode. Resolves `{ flow, …result, appState }` for this tab's same-tab flow, or `null` when
 * there is nothing for the page to finish (no response in the URL, or a popup's opener took it).
 */
export const completeRedirect = flow(callbackPage, wasm.completeRedirect);

/**
 * `openConnectLink(link, options)` (docs/flows.md#connect-link). A link function is called
 * with the redirect URI to mint for (inside the click once the wasm is loaded); if it throws
 * or rejects, the flow rejects with that very value.
 */
export const openConnectLink = flow(
  (link, value) => {
    const o = options(value);
    if (link === undefined) missing = 'link';
    else if (typeof link !== 'function' && typeof link !== 'string') bad('link', 'a URL string or a function');
    const v = [];
    v[CONNECT_LINK_LINK] = link;
    v[CONNECT_LINK_REDIRECT_URI] = str(o, 'redirectUri');
    v[CONNECT_LINK_STATE] = str(o, 'state');
    return flowOptions(o, v, CONNECT_LINK_APP_STATE);
  },
  (args, resolve, reject) => {
    // The engine reads a link that is not a string (a function) as absent: it gives the
    // redirect URI to mint for.
    const link = args[CONNECT_LINK_LINK];
    let failed = false;
    let failure;
    const mint = wasm.openConnectLink(args, resolve, (e) => reject(failed ? failure : e));
    if (!mint) return;
    const { [MINTING_REDIRECT_URI]: redirectUri, [MINTING_MINTED]: minted } = mint;
    const fail = (e) => {
      failed = true;
      failure = e;
      minted(undefined, true);
    };
    let pending;
    try {
      pending = link(redirectUri);
    } catch (e) {
      fail(e);
      return;
    }
    Promise.resolve(pending).then((url) => minted(url, false), fail);
  },
);

/** `validateRedirectUri(uri, { allowedHosts })` (docs/flows.md#helpers). */
const redirectUriOptions = reading((value) =>
  check(options(value), 'allowedHosts', allStrings, 'an array of strings', 1),
);
export const validateRedirectUri = helper('validateRedirectUri', (uri, value) =>
  wasm.helper(HELPER_VALIDATE_REDIRECT_URI, uri, redirectUriOptions(value)),
);

// Pure helpers (docs/flows.md#helpers): synchronous, so they need the wasm loaded. The wasm
// has them behind one export, `helper(number, …arguments)` (`boundary::Helper`).
export const generatePkce = helper('generatePkce', () => wasm.helper(HELPER_GENERATE_PKCE));
export const pkceChallenge = helper('pkceChallenge', (verifier) => wasm.helper(HELPER_PKCE_CHALLENGE, verifier));
export const generateState = helper('generateState', () => wasm.helper(HELPER_GENERATE_STATE));
export const parseCallbackUrl = helper('parseCallbackUrl', (url) => wasm.helper(HELPER_PARSE_CALLBACK_URL, url));
export const sanitizeReturnTo = helper('sanitizeReturnTo', (path) => wasm.helper(HELPER_SANITIZE_RETURN_TO, path));
/** The wire message (snake_case fields), an object as posted; a string is `null`, as flows ignore it (docs/wire.md#messages). */
export const parseVendoMessage = helper('parseVendoMessage', (data) => wasm.helper(HELPER_PARSE_VENDO_MESSAGE, data));

// Token helpers (docs/flows.md#tokens): the wasm checks the options and builds the body,
// `fetch` sends it, the wasm judges the answer. `kind` is the helper's number (`TOKEN_*`),
// its values the body encoding, then its own options, all required (`TOKEN_VALUES`).
const tokenOptions = reading((kind, value) => {
  const o = options(value);
  forbid(o, 'clientSecret', 'secrets stay on servers');
  const [encoding, ...required] = TOKEN_VALUES[kind];
  return [str(o, encoding), ...required.map((k) => str(o, k, 1))];
});
const token = (kind) => async (value) => {
  const values = tokenOptions(kind, value);
  await init();
  const {
    [PREPARED_URL]: url,
    [PREPARED_BODY]: body,
    [PREPARED_CONTENT_TYPE]: contentType,
    [PREPARED_UNREACHABLE]: unreachable,
  } = thrown(wasm.tokenRequest(kind, values));
  let status;
  let json;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Accept: 'application/json' },
      body,
    });
    status = response.status;
    const text = await response.text();
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  } catch {
    throw unreachable;
  }
  return thrown(wasm.tokenResult(kind, status, json));
};

/** `exchangeCode(options)`. */
export const exchangeCode = token(TOKEN_EXCHANGE_CODE);
/** `refreshToken(options)`. */
export const refreshToken = token(TOKEN_REFRESH_TOKEN);
/** `revokeToken(options)`. */
export const revokeToken = token(TOKEN_REVOKE_TOKEN);
