/**
 * vendo-connect — "connect your account" popup flows for the browser.
 * Contract: docs/README.md. Import and call: no `init()` is needed, and every flow opens its popup
 * synchronously, so call flows straight from a click handler (no `await` before them).
 */

declare const refused: unique symbol;
/**
 * The type of an option the package refuses: no value fits it, and tsc's error names the
 * reason, e.g. `Type 'string' is not assignable to type 'Refused<"clientSecret is refused: …">'`.
 */
export type Refused<Why extends string> = Why & { readonly [refused]: never };
/** Why `clientSecret` is refused wherever it appears (docs/security.md#no-secrets). */
export type NoClientSecret =
  Refused<'clientSecret is refused: secrets stay on servers; this is a public client (PKCE), so leave it out'>;

/** Where the wasm can come from when the app loads it itself. */
export type WasmSource = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the wasm, once; later calls return the same promise. Not needed in a browser, where
 * importing the package starts the load; call it (before the first use, in the same turn as
 * the import) only to load the wasm from elsewhere, e.g. a CDN URL or bytes. Rejects with a
 * `ConnectError` whose code is `load_failed`.
 */
export function init(options?: { module_or_path: WasmSource | Promise<WasmSource> }): Promise<void>;
export default init;
/** A promise for the wasm: resolves once it is loaded (in Node, from the package's own file). */
export function ready(): Promise<void>;
/** Loads the wasm synchronously from bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module }): unknown;

/** Codes raised by the SDK itself (docs/options.md#common). */
export type SdkErrorCode =
  | 'popup_blocked'
  | 'popup_closed'
  | 'opener_lost'
  | 'timeout'
  | 'aborted'
  | 'superseded'
  | 'invalid_options'
  | 'network_error'
  | 'invalid_response'
  | 'crypto_unavailable'
  | 'not_ready'
  | 'load_failed'
  | 'unsupported_environment'
  | 'popup_unsupported'
  | 'link_factory_failed';
/** Codes a Vendo server sends in `vendo:oauth:error` (docs/errors.md#vendo-codes). */
export type VendoErrorCode =
  | 'provider_unknown'
  | 'missing_params'
  | 'oauth_state_invalid'
  | 'oauth_exchange_failed'
  | 'db_insert_failed'
  | 'encryption_key_unavailable'
  | 'missing_cstate'
  | 'missing_composio_account_id'
  | 'composio_get_failed'
  | 'composio_not_active';
/** Codes of a hosted connect-link callback (docs/errors.md#vocobase-codes). */
export type ConnectLinkErrorCode =
  | 'oauth_denied'
  | 'customer_archived'
  | 'invalid_state'
  | 'tool_not_found'
  | 'tool_not_available'
  | 'provider_mismatch'
  | 'connection_failed'
  | 'token_smoke_test_failed'
  | 'invalid_hmac';
/** OAuth 2.0 error codes (RFC 6749 §4.1.2.1, §5.2; RFC 7009). */
export type OAuthErrorCode =
  | 'access_denied'
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'unsupported_token_type';
/** Every known code, plus any other code a server sends, passed through unchanged. */
export type ConnectErrorCode = SdkErrorCode | VendoErrorCode | ConnectLinkErrorCode | OAuthErrorCode | (string & {});

/** The error every call rejects (or throws) with. */
export declare class ConnectError extends Error {
  constructor(code: ConnectErrorCode, detail?: string | null, provider?: string | null);
  readonly name: 'ConnectError';
  readonly code: ConnectErrorCode;
  readonly detail: string | null;
  readonly provider: string | null;
}

/** One step of a flow, for the `onEvent` debug hook. Never carries message data or secrets. */
export interface FlowEvent {
  kind:
    | 'popup_opened'
    | 'popup_navigated'
    | 'message_ignored'
    | 'message_accepted'
    | 'ack_sent'
    | 'popup_closed_detected'
    | 'popup_uncertain'
    | 'resolved'
    | 'rejected';
  /** Why a message was ignored (and its origin), or the code of a rejection. */
  detail: string | null;
}

/** Popup geometry and name (default 500×650, centred on the opener, clamped to the screen). */
export interface PopupOptions {
  width?: number;
  height?: number;
  name?: string;
}

/** Options every flow takes (docs/options.md#common). */
export interface CommonOptions {
  /** Reject with `timeout` after this many ms. Default 300000. */
  timeoutMs?: number;
  /** Reject with `aborted` (and close the popup) when it fires. */
  signal?: AbortSignal;
  popup?: PopupOptions;
  /** A window you already opened, used instead of opening one. */
  window?: Window;
  /** How long a closed popup may still deliver its result. Default 1500. */
  closedGraceMs?: number;
  /** `false` for providers that send Cross-Origin-Opener-Policy. Default true. */
  detectClose?: boolean;
  /** Close the popup when the flow settles. Default true. */
  closePopup?: boolean;
  /** Debug hook: every step, and why a message was ignored. */
  onEvent?: (event: FlowEvent) => void;
}

/**
 * Where a flow runs (docs/flows.md#redirect-mode): `'popup'` (default), `'redirect'` (this tab
 * navigates away; the redirect page calls `completeRedirect()`), or `'auto'` (redirect where
 * popups cannot work: in-app browsers, iOS home-screen apps; popup elsewhere).
 */
export type Mode = 'popup' | 'redirect' | 'auto';

/** What a same-tab flow carries through the redirect (`JSON.stringify`-able), given back by `completeRedirect()`. */
export type AppState = JsonValue;

/** `connect()` options (docs/flows.md#connect). */
export interface ConnectOptions extends CommonOptions {
  /**
   * `'popup'` (default) or `'auto'`: the Vendo server reports only to `window.opener`, so
   * `'redirect'` is `invalid_options`, and `'auto'` where popups cannot work rejects with
   * `popup_unsupported` instead of opening a popup that could never report back.
   */
  mode?: 'popup' | 'auto';
  /** `https:` (or `http:` on a loopback host) origin of the Vendo deployment, with an optional path prefix. */
  baseUrl: string;
  /** Catalog slug: `[a-z0-9][a-z0-9_-]{0,63}`. */
  provider: string;
  appKey?: string;
  /** Same-origin path (`/…`, not `//`, no `\`, no scheme, no control characters). */
  returnTo?: string;
  /** Generated (256 bits) when absent. */
  state?: string;
}

/** `connect()` result. */
export interface Connection {
  provider: string;
  connectionId: string;
  externalId: string | null;
  displayName: string | null;
  returnUrl: string | null;
  state: string;
}

/** `authorize()` options (docs/flows.md#authorize). There is no `clientSecret`: passing one is `invalid_options`. */
export interface AuthorizeOptions extends CommonOptions {
  authorizationEndpoint: string;
  clientId: string;
  /** Your callback page, on this page's origin; it calls `completeRedirect()` (both modes) or `completeCallback()`. */
  redirectUri: string;
  scope?: string | string[];
  /** May not override response_type, client_id, redirect_uri, state, code_challenge(_method), scope. */
  extraParams?: Record<string, string>;
  /** Expected `iss` (RFC 9207). */
  issuer?: string;
  state?: string;
  /** PKCE S256. Default true. */
  pkce?: boolean;
  /** Default `'popup'`. With `'redirect'` (or `'auto'` choosing it) the promise resolves `null` as the tab leaves. */
  mode?: Mode;
  /** Any JSON value, given back by `completeRedirect()` in same-tab mode (ignored by popups). */
  appState?: AppState;
  /** Refused: secrets stay on servers; `authorize()` is a public client with PKCE. */
  clientSecret?: NoClientSecret;
}

/** `authorize()` result: what the token request needs. */
export interface Authorization {
  code: string;
  state: string;
  /** `null` only with `pkce: false`. */
  codeVerifier: string | null;
  redirectUri: string;
  iss: string | null;
}

/** Mints a hosted connect link for the given redirect URI (which carries the SDK's `vc_state`). */
export type LinkFactory = (redirectUri: string) => string | Promise<string>;

/** `openConnectLink()` options (docs/flows.md#connect-link). */
export interface ConnectLinkOptions extends CommonOptions {
  /** Your callback page (this origin). Required with a factory. */
  redirectUri?: string;
  /** With a link string: the `vc_state` its redirect URI carries, if any (required in same-tab mode). */
  state?: string;
  /** Default `'popup'`. With `'redirect'` the link function is awaited, then the tab navigates; the promise resolves `null`. */
  mode?: Mode;
  /** Any JSON value, given back by `completeRedirect()` in same-tab mode. */
  appState?: AppState;
}

/** `openConnectLink()` result. */
export interface LinkedTool {
  tool: string;
  connectionId: string;
}

/** `completeRedirect()`'s result for a same-tab `authorize()` (docs/results.md#redirect-result). */
export interface AuthorizeRedirectResult extends Authorization {
  flow: 'authorize';
  appState: AppState;
}
/** `completeRedirect()`'s result for a same-tab `openConnectLink()`. */
export interface ConnectLinkRedirectResult extends LinkedTool {
  flow: 'connectLink';
  appState: AppState;
}
export type RedirectResult = AuthorizeRedirectResult | ConnectLinkRedirectResult;

/** `popupSupport()`: whether a popup can work here, and why not. */
export interface PopupSupport {
  popup: boolean;
  reason: string | null;
}

/** `completeCallback()` / `completeRedirect()` options (docs/flows.md#callback-page). */
export interface CompleteCallbackOptions {
  /** The opener's origin if it differs from this page's. */
  openerOrigin?: string;
  /** Default 2000. */
  ackTimeoutMs?: number;
}

/** What `completeCallback()` did. */
export interface CallbackOutcome {
  delivery: 'opener' | 'broadcastChannel';
  acknowledged: boolean;
}

/** `form` (RFC 6749, default) or `json` (Vendaze). */
export type BodyEncoding = 'form' | 'json';

export interface ExchangeCodeOptions {
  tokenEndpoint: string;
  clientId: string;
  code: string;
  codeVerifier: string;
  redirectUri: string;
  bodyEncoding?: BodyEncoding;
  /** Refused: secrets stay on servers. */
  clientSecret?: NoClientSecret;
}
export interface RefreshTokenOptions {
  tokenEndpoint: string;
  clientId: string;
  refreshToken: string;
  bodyEncoding?: BodyEncoding;
  /** Refused: secrets stay on servers. */
  clientSecret?: NoClientSecret;
}
export interface RevokeTokenOptions {
  revocationEndpoint: string;
  clientId: string;
  token: string;
  bodyEncoding?: BodyEncoding;
  /** Refused: secrets stay on servers. */
  clientSecret?: NoClientSecret;
}

/** A JSON value kept in `TokenResponse.extra`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A token endpoint's answer (RFC 6749 §5.1). */
export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  /** Seconds. */
  expiresIn: number | null;
  /** Epoch milliseconds. */
  expiresAt: number | null;
  refreshToken: string | null;
  scope: string | null;
  idToken: string | null;
  /** Unknown fields, e.g. Vendaze's `workspace_slug`. */
  extra: { [key: string]: JsonValue };
}

export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

/** Typed Vendo popup messages (docs/wire.md#messages), camelCase. */
export interface VendoDoneMessage {
  type: 'vendo:oauth:done';
  provider: string;
  connectionId: string;
  externalId: string | null;
  displayName: string | null;
  returnUrl: string | null;
  state: string | null;
}
export interface VendoErrorMessage {
  type: 'vendo:oauth:error';
  code: string;
  detail: string | null;
  provider: string | null;
  state: string | null;
}
export interface VendoAckMessage {
  type: 'vendo:connection:ack';
  connectionId: string;
}
export type VendoMessage = VendoDoneMessage | VendoErrorMessage | VendoAckMessage;

/** A parsed callback URL. */
export interface CodeCallback {
  type: 'code';
  code: string;
  state: string | null;
  iss: string | null;
}
export interface ErrorCallback {
  type: 'error';
  error: string;
  errorDescription: string | null;
  errorUri: string | null;
  state: string | null;
  iss: string | null;
}
export interface ConnectLinkOkCallback {
  type: 'connect_link_ok';
  tool: string;
  connectionId: string;
  vcState: string | null;
}
export interface ConnectLinkErrorCallback {
  type: 'connect_link_error';
  error: string;
  vcState: string | null;
}
export type CallbackParams = CodeCallback | ErrorCallback | ConnectLinkOkCallback | ConnectLinkErrorCallback;

/** Which redirect-URI rule failed (docs/errors.md#redirect-uri-rule-codes). */
export type RedirectUriRuleCode =
  | 'invalid_url'
  | 'not_https'
  | 'userinfo'
  | 'fragment'
  | 'non_default_port'
  | 'host_not_allowed';
/** `validateRedirectUri()`'s options: an object, not the array of hosts itself. */
export interface RedirectUriOptions {
  allowedHosts: string[];
}
export type RedirectUriVerdict = { ok: true; code: null } | { ok: false; code: RedirectUriRuleCode };

export function connect(options: ConnectOptions): Promise<Connection>;
export function authorize(options: AuthorizeOptions & { mode?: 'popup' }): Promise<Authorization>;
export function authorize(options: AuthorizeOptions & { mode: 'redirect' }): Promise<null>;
export function authorize(options: AuthorizeOptions): Promise<Authorization | null>;
export function openConnectLink(
  link: string | LinkFactory,
  options?: ConnectLinkOptions & { mode?: 'popup' },
): Promise<LinkedTool>;
export function openConnectLink(
  link: string | LinkFactory,
  options: ConnectLinkOptions & { mode: 'redirect' },
): Promise<null>;
export function openConnectLink(link: string | LinkFactory, options?: ConnectLinkOptions): Promise<LinkedTool | null>;
export function completeCallback(options?: CompleteCallbackOptions): Promise<CallbackOutcome>;
/**
 * The redirect page, in either mode: finishes this tab's same-tab flow (the record is used
 * once), or hands a popup's response to its opener. `null` when there is nothing for the
 * page to do. Rejects with `invalid_state` (replay, tampered state, no flow waiting),
 * `timeout` (expired) or the flow's own errors; never gives a verifier except in the result.
 */
export function completeRedirect(options?: CompleteCallbackOptions): Promise<RedirectResult | null>;
/** Whether a popup can work here (user agent, iOS home-screen app). Needs no wasm: works before `ready()`. */
export function popupSupport(): PopupSupport;
export function exchangeCode(options: ExchangeCodeOptions): Promise<TokenResponse>;
export function refreshToken(options: RefreshTokenOptions): Promise<TokenResponse>;
export function revokeToken(options: RevokeTokenOptions): Promise<void>;
/** Pure helpers are synchronous: before the wasm is loaded they throw `not_ready` (`await ready()`). */
export function generatePkce(): PkcePair;
/** Throws `invalid_options` outside RFC 7636 §4.1 (43–128 of `[A-Za-z0-9._~-]`). */
export function pkceChallenge(verifier: string): string;
export function generateState(): string;
/**
 * The typed message (camelCase), or `null` for anything else. Takes the message as it is on
 * the wire: an object with Vendo's snake_case fields (`connection_id`, `display_name`, …), or
 * its JSON text. Throws only `not_ready` (before the wasm is loaded).
 */
export function parseVendoMessage(data: unknown): VendoMessage | null;
/** Throws `invalid_response` for a URL that is no callback, or repeats a parameter. */
export function parseCallbackUrl(url: string): CallbackParams;
export function validateRedirectUri(uri: string, options: RedirectUriOptions): RedirectUriVerdict;
/** The path when it is a safe same-origin path, else `null`. */
export function sanitizeReturnTo(path: string): string | null;
