/**
 * vendo-connect/testing — fakes of Vendo, an OAuth 2.1 authorization server and hosted connect
 * links for an app's own Playwright tests, installed into a `BrowserContext` by route
 * interception (no port, no process). Node only; see docs/testing.md.
 */

/** The part of Playwright's `Route` the kit uses. */
export interface FakeRoute {
  request(): unknown;
  fulfill(response: { status?: number; headers?: Record<string, string>; body?: string }): Promise<void>;
}

/** The part of Playwright's `BrowserContext` the kit uses (pass the real one). */
export interface RoutableContext {
  route(url: (url: URL) => boolean, handler: (route: FakeRoute) => unknown): Promise<unknown>;
  unroute(url: (url: URL) => boolean, handler?: (route: FakeRoute) => unknown): Promise<unknown>;
}

/** The part of Playwright's `Page` `clickWithoutUserActivation` uses. */
export interface EvaluatingPage {
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
}

/**
 * How the next flow is answered. One ending (default `done`), plus modifiers:
 * - `done`: success; `true` or the fields to use;
 * - `error` (+ `detail`): an error with that code;
 * - `denied`: the person refuses at the provider (`access_denied`; a connect link's `oauth_denied`);
 * - `closeAfterMs`: the person closes the popup that many ms after it opened;
 * - `noAnswer`: the page waits for ever (no answer, no close);
 * - `afterMs`: the answer comes that many ms late;
 * - `coop`: the fake's pages send `Cross-Origin-Opener-Policy: same-origin`, severing the opener;
 * - `noise`: messages from a foreign origin and with a wrong state arrive before the answer.
 */
export interface Outcome<Done> {
  done?: true | Done;
  error?: string;
  detail?: string;
  denied?: true;
  closeAfterMs?: number;
  noAnswer?: true;
  afterMs?: number;
  coop?: boolean;
  noise?: boolean;
}

export interface VendoDone {
  connectionId?: string;
  externalId?: string;
  displayName?: string;
}
export interface LinkDone {
  tool?: string;
  connectionId?: string;
}

export interface VendoOptions {
  /** The `baseUrl` the app passes to `connect()` (origin and optional path prefix). */
  baseUrl: string;
  /**
   * More catalog entries: slug → flow. The catalog always has `notion` (first-party) and
   * `google-calendar`, `gmail`, `slack`, `github`, `supabase`, `instagram` (Composio); any
   * other slug is `404 provider_unknown`, as on Vendo.
   */
  providers?: Record<string, 'first_party' | 'composio'>;
}

export interface OAuthOptions {
  /** The issuer identifier; also the `iss` of every authorization response. */
  issuer: string;
  /** The one registered public client. */
  clientId: string;
  /** The client's registered redirect URIs, compared exactly. */
  redirectUris: string[];
  /** Default `{issuer}/authorize`. */
  authorizationEndpoint?: string;
  /** Default `{issuer}/token`. */
  tokenEndpoint?: string;
  /** Default `{issuer}/revoke`. */
  revocationEndpoint?: string;
  /** Extra parameters the authorization endpoint requires (e.g. `collection_id`, `space_id`). */
  requiredParams?: string[];
  /** Send `iss` (RFC 9207). Default true. */
  iss?: boolean;
  /** Origins the token and revocation endpoints answer with CORS. Default: any. */
  allowedOrigins?: string[];
}

export interface LinksOptions {
  /** The origin of the hosted link pages. */
  origin: string;
  /** Hosts a redirect URI may name. Default: the redirect URI's own host. */
  allowedRedirectHosts?: string[];
}

export interface InstallOptions {
  vendo?: string | VendoOptions;
  oauth?: OAuthOptions;
  links?: string | LinksOptions;
  /** The origin the `noise` messages come from. Default `https://foreign.example`. */
  foreignOrigin?: string;
}

export interface FakeVendo {
  readonly baseUrl: string;
  next(outcome?: Outcome<VendoDone>): void;
  /** The authorize entry's query, one entry per flow, with its wire names (`opener_origin`, `state`, …). */
  readonly requests: { provider: string; params: Record<string, string> }[];
  /** The `vendo:connection:ack` messages the callback page received. */
  readonly acks: { type: string; connection_id: string }[];
  reset(): void;
}

export interface TokenRequest {
  encoding: 'form' | 'json' | string | null;
  body: Record<string, string> | null;
}

export interface FakeOAuth {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly clientId: string;
  next(outcome?: Outcome<Record<string, never>>): void;
  /** The token endpoint's next answer: an error body (status 400 unless given), or extra fields. */
  nextToken(answer: { error: string; detail?: string; status?: number } | { done: Record<string, unknown> }): void;
  readonly authorizeRequests: { params: Record<string, string> }[];
  readonly tokenRequests: TokenRequest[];
  readonly revocations: TokenRequest[];
  reset(): void;
}

export interface FakeLinks {
  readonly origin: string;
  next(outcome?: Outcome<LinkDone>): void;
  /** A one-time link for `redirectUri`, as the app's backend would mint it. Throws `INVALID_REDIRECT_URI`. */
  mint(options: { redirectUri: string; tool?: string }): string;
  readonly visits: { link: string; known: boolean }[];
  reset(): void;
}

export function installFakes<O extends InstallOptions>(
  context: RoutableContext,
  options: O,
): Promise<
  { uninstall(): Promise<void> } & ('vendo' extends keyof O ? { vendo: FakeVendo } : {}) &
    ('oauth' extends keyof O ? { oauth: FakeOAuth } : {}) &
    ('links' extends keyof O ? { links: FakeLinks } : {})
>;

/** Clicks without a user activation: the browser's popup blocker refuses the flow's popup. */
export function clickWithoutUserActivation(page: EvaluatingPage, selector: string): Promise<void>;
