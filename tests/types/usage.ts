// Compiled with `tsc --strict --noEmit` against the built package's index.d.ts: every
// public function's options and results must be named, precise types (no `any`).
import init, {
  connect,
  authorize,
  openConnectLink,
  completeCallback,
  exchangeCode,
  refreshToken,
  revokeToken,
  generatePkce,
  pkceChallenge,
  generateState,
  parseVendoMessage,
  parseCallbackUrl,
  validateRedirectUri,
  sanitizeReturnTo,
  ConnectError,
  completeRedirect,
  popupSupport,
} from 'vendo-connect';
import type {
  Connection,
  Authorization,
  LinkedTool,
  TokenResponse,
  VendoMessage,
  CallbackParams,
  RedirectUriVerdict,
  ConnectErrorCode,
  FlowEvent,
  PkcePair,
  CallbackOutcome,
  RedirectResult,
  PopupSupport,
  Mode,
  AppState,
} from 'vendo-connect';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
const assertType = <T extends true>() => undefined as unknown as T;

async function main(): Promise<void> {
  await init();
  const signal = new AbortController().signal;
  const c: Connection = await connect({
    baseUrl: 'https://vendo.example',
    provider: 'notion',
    signal,
    timeoutMs: 1000,
    popup: { width: 500, height: 650, name: 'x' },
    onEvent: (e: FlowEvent) => void e.kind,
  });
  const id: string = c.connectionId;
  const name: string | null = c.displayName;
  const a: Authorization = await authorize({
    authorizationEndpoint: 'https://as/auth',
    clientId: 'c',
    redirectUri: 'https://app/cb',
    scope: ['openid'],
  });
  const verifier: string | null = a.codeVerifier;
  const l: LinkedTool = await openConnectLink(async (redirectUri: string) => redirectUri, {
    redirectUri: 'https://app/cb',
  });
  const out: CallbackOutcome = await completeCallback();
  const t: TokenResponse = await exchangeCode({
    tokenEndpoint: 'https://as/token',
    clientId: 'c',
    code: a.code,
    codeVerifier: verifier ?? '',
    redirectUri: a.redirectUri,
    bodyEncoding: 'json',
  });
  const expiresAt: number | null = t.expiresAt;
  await refreshToken({ tokenEndpoint: 'https://as/token', clientId: 'c', refreshToken: t.refreshToken ?? '' });
  // biome-ignore lint/suspicious/noConfusingVoidType: the test holds revokeToken's result to void
  const revoked: void = await revokeToken({
    revocationEndpoint: 'https://as/revoke',
    clientId: 'c',
    token: t.accessToken,
  });
  const p: PkcePair = generatePkce();
  const method: 'S256' = p.codeChallengeMethod;
  const challenge: string = pkceChallenge(p.codeVerifier);
  const state: string = generateState();
  const m: VendoMessage | null = parseVendoMessage({});
  if (m && m.type === 'vendo:oauth:done') {
    const cid: string = m.connectionId;
    void cid;
  }
  const cb: CallbackParams = parseCallbackUrl('https://app/cb?code=x');
  if (cb.type === 'code') {
    const code: string = cb.code;
    void code;
  }
  const v: RedirectUriVerdict = validateRedirectUri('https://app/cb', { allowedHosts: ['app'] });
  const safe: string | null = sanitizeReturnTo('/x');
  try {
    await connect({ baseUrl: '', provider: '' });
  } catch (e) {
    if (e instanceof ConnectError) {
      const code: ConnectErrorCode = e.code;
      const detail: string | null = e.detail;
      void code;
      void detail;
    }
  }
  // Same-tab mode: `null` while the tab leaves; completeRedirect() gives the result with appState.
  const left: null = await authorize({
    authorizationEndpoint: 'x',
    clientId: 'c',
    redirectUri: 'r',
    mode: 'redirect',
    appState: { returnTo: '/x', n: [1, null] },
  });
  const either: Authorization | null = await authorize({
    authorizationEndpoint: 'x',
    clientId: 'c',
    redirectUri: 'r',
    mode: 'auto',
  });
  const leftLink: null = await openConnectLink(async (u: string) => u, {
    redirectUri: 'r',
    mode: 'redirect',
    appState: 'step-3',
  });
  const back: RedirectResult | null = await completeRedirect({ ackTimeoutMs: 500 });
  if (back && back.flow === 'authorize') {
    const v2: string | null = back.codeVerifier;
    const s2: AppState = back.appState;
    void v2;
    void s2;
  }
  if (back && back.flow === 'connectLink') {
    const tool: string = back.tool;
    void tool;
  }
  const support: PopupSupport = popupSupport();
  const why: string | null = support.reason;
  const mode: Mode = 'auto';
  // @ts-expect-error: connect() has no same-tab mode
  await connect({ baseUrl: '', provider: '', mode: 'redirect' });
  // @ts-expect-error: appState must be JSON
  await authorize({ authorizationEndpoint: 'x', clientId: 'c', redirectUri: 'r', mode: 'redirect', appState: () => 1 });
  const unsupported: ConnectErrorCode = 'popup_unsupported';
  void [left, either, leftLink, why, mode, unsupported];
  // @ts-expect-error: secrets stay on servers
  await authorize({ authorizationEndpoint: 'x', clientId: 'c', redirectUri: 'r', clientSecret: 's' });
  assertType<Equals<IsAny<Parameters<typeof connect>[0]>, false>>();
  assertType<Equals<IsAny<Awaited<ReturnType<typeof exchangeCode>>>, false>>();
  assertType<Equals<IsAny<ReturnType<typeof parseVendoMessage>>, false>>();
  void [id, name, l, out, expiresAt, revoked, method, challenge, state, v, safe];
}
void main;
