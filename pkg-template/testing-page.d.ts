/**
 * vendo-connect/testing/page — scripted outcomes for tests that run inside the page (Vitest
 * browser mode, @web/test-runner; wasm-bindgen-test through `vendo_connect::testing`), where no
 * request can be intercepted. It wraps the page's `window.open` and `fetch`: a flow's popup
 * opens as a blank window of the page's own origin and answers from inside its own realm, as
 * the real page at the end of the flow would; the token endpoints are answered by a strict
 * fake. Every check of the package applies unchanged. Browser only; see docs/testing.md.
 */

/**
 * How the next flow is answered: the outcomes of `vendo-connect/testing` (docs/testing.md#outcomes)
 * without `coop`, which needs a server's header. One ending (default `done`), plus modifiers:
 * - `done`: success; `true` or the fields to use;
 * - `error` (+ `detail`): an error with that code;
 * - `denied`: the person refuses at the provider (`access_denied`; a connect link's `oauth_denied`);
 * - `closeAfterMs`: the person closes the popup that many ms after it opened (give a person's
 *   time, e.g. 1000: a popup closed within 250 ms of showing its page reads as severed by COOP);
 * - `noAnswer`: the popup waits for ever (no answer, no close): the flow's `timeoutMs` ends it;
 * - `afterMs`: the answer comes that many ms late;
 * - `noise`: a message from a frame of another (opaque) origin, and one with a wrong state, first.
 */
export interface PageOutcome<Done> {
  done?: true | Done;
  error?: string;
  detail?: string;
  denied?: true;
  closeAfterMs?: number;
  noAnswer?: true;
  afterMs?: number;
  noise?: boolean;
}

export interface PageVendoDone {
  connectionId?: string;
  externalId?: string;
  displayName?: string;
}
export interface PageLinkDone {
  tool?: string;
  connectionId?: string;
}

export interface PageOAuthOptions {
  /** The issuer identifier; also the `iss` of every authorization response. */
  issuer: string;
  /** The one registered public client. */
  clientId: string;
  /** The client's registered redirect URIs, compared exactly; on the page's own origin. */
  redirectUris: string[];
  /** Default `{issuer}/authorize`. Its popup is answered, never loaded. */
  authorizationEndpoint?: string;
  /** Default `{issuer}/token`. Only `fetch` calls to it (and to the revocation endpoint) are answered. */
  tokenEndpoint?: string;
  /** Default `{issuer}/revoke`. */
  revocationEndpoint?: string;
  /** Send `iss` (RFC 9207). Default true. */
  iss?: boolean;
}

export interface PageFakesOptions {
  /** The `baseUrl` your app gives `connect()` in the test: the page's own origin (`location.origin`), with an optional path prefix. */
  vendo?: string | { baseUrl: string };
  oauth?: PageOAuthOptions;
  /** The origin of minted links (default: the page's own); `links.mint` makes them. */
  links?: string | true;
}

export interface TokenRequest {
  encoding: 'form' | 'json' | string | null;
  body: Record<string, string> | null;
}

export interface PageFakeVendo {
  readonly baseUrl: string;
  /** Scripts the next `connect()` (a queue; with nothing queued a flow succeeds). */
  next(outcome?: PageOutcome<PageVendoDone>): void;
  /** The authorize entry's query, one entry per flow, with its wire names (`opener_origin`, `state`, …). */
  readonly requests: { provider: string; params: Record<string, string> }[];
  /** The `vendo:connection:ack` messages the popup received. */
  readonly acks: { type: string; connection_id: string }[];
  reset(): void;
}

export interface PageFakeOAuth {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly clientId: string;
  /** Scripts the next `authorize()`: the popup ends as your callback page would, with `code`, `state`, `iss` or an OAuth `error`. */
  next(outcome?: PageOutcome<Record<string, never>>): void;
  /** The token endpoint's next answer: an error body (status 400 unless given), or extra fields. */
  nextToken(answer: { error: string; detail?: string; status?: number } | { done: Record<string, unknown> }): void;
  readonly authorizeRequests: { params: Record<string, string> }[];
  readonly tokenRequests: TokenRequest[];
  readonly revocations: TokenRequest[];
  reset(): void;
}

export interface PageFakeLinks {
  readonly origin: string;
  /** Scripts the next link's answer: `status=ok&tool=…&connection_id=…` or `status=error&error=…`. */
  next(outcome?: PageOutcome<PageLinkDone>): void;
  /**
   * A one-time link for `redirectUri`, as your backend would mint it; a second visit answers
   * `status=error&error=invalid_state`. Throws an error whose `code` is `INVALID_REDIRECT_URI`
   * for a redirect URI that is not https (http on a loopback host), has userinfo or a
   * fragment, or is not on the page's origin.
   */
  mint(options: { redirectUri: string; tool?: string }): string;
  readonly visits: { link: string; known: boolean }[];
  reset(): void;
}

/**
 * Installs the in-page fakes: wraps `window.open` and `fetch` until `uninstall()`. Await the
 * package's `ready()` before the first click: a flow started before the wasm loaded opens its
 * popup blank and navigates it later, which the kit does not see.
 */
export function installPageFakes<O extends PageFakesOptions>(
  options: O,
): { uninstall(): void } & ('vendo' extends keyof O ? { vendo: PageFakeVendo } : {}) &
  ('oauth' extends keyof O ? { oauth: PageFakeOAuth } : {}) &
  ('links' extends keyof O ? { links: PageFakeLinks } : {});
