// The app's three buttons, as a module the page (index.html) and the tests mount. Each flow
// starts straight from the click (no await before it) and the app shows what happened: what
// its tests check, outcome by outcome.
import { connect, authorize, exchangeCode, openConnectLink } from 'vendo-connect';

/** What the person reads for each error code (the codes are the package's, docs/errors.md). */
function explain(e) {
  switch (e.code) {
    case 'popup_blocked':
      return 'Your browser blocked the window. Allow popups for this site and try again.';
    case 'popup_closed':
      return 'The window was closed before finishing.';
    case 'opener_lost':
      return 'The sign-in window lost contact with this page. If you finished there, reload to see the connection.';
    case 'timeout':
      return 'This took too long. Please try again.';
    case 'superseded':
      return null; // a newer click took over: say nothing
    case 'access_denied':
    case 'oauth_denied':
      return 'You declined access.';
    default:
      return `Could not connect (${e.code}${e.detail ? `: ${e.detail}` : ''}).`;
  }
}

/**
 * Mounts the buttons into `root`. `config`: `vendo` (Vendo's base URL), `auth` (`{ issuer,
 * clientId }`: the authorization server, its endpoints `{issuer}/authorize` and `/token`),
 * `callbackUrl` (the app's callback page), `mintLink(redirectUri)` (asks the app's backend for
 * a hosted connect link) and `timeoutMs`.
 */
export function mountApp(root, config) {
  root.innerHTML = `
    <button id="connect-notion">Connect Notion</button>
    <button id="sign-in">Sign in</button>
    <button id="connect-sheets">Connect Google Sheets</button>
    <p id="status" role="status">Not connected.</p>`;
  const status = root.querySelector('#status');
  const show = (text) => {
    status.textContent = text;
  };
  const failed = (e) => {
    const text = explain(e);
    if (text !== null) show(text);
  };
  const { vendo, auth, callbackUrl, mintLink, timeoutMs = 5000 } = config;

  root.querySelector('#connect-notion').addEventListener('click', () => {
    show('Connecting Notion…');
    connect({ baseUrl: vendo, provider: 'notion', returnTo: '/connections', timeoutMs, closedGraceMs: 500 }).then(
      (c) => show(`Connected ${c.displayName} (${c.connectionId})`),
      failed,
    );
  });

  root.querySelector('#sign-in').addEventListener('click', () => {
    show('Signing in…');
    authorize({
      authorizationEndpoint: `${auth.issuer}/authorize`,
      clientId: auth.clientId,
      redirectUri: callbackUrl,
      scope: ['openid', 'offline_access'],
      issuer: auth.issuer,
      timeoutMs,
      closedGraceMs: 500,
    })
      .then((a) =>
        exchangeCode({
          tokenEndpoint: `${auth.issuer}/token`,
          clientId: auth.clientId,
          code: a.code,
          codeVerifier: a.codeVerifier,
          redirectUri: a.redirectUri,
        }),
      )
      .then((tokens) => show(`Signed in (token expires in ${tokens.expiresIn} s)`), failed);
  });

  root.querySelector('#connect-sheets').addEventListener('click', () => {
    show('Connecting Google Sheets…');
    openConnectLink(mintLink, { redirectUri: callbackUrl, timeoutMs, closedGraceMs: 500 }).then(
      (t) => show(`Connected ${t.tool} (${t.connectionId})`),
      failed,
    );
  });
}
