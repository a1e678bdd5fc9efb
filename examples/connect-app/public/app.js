// The app's three buttons. Each flow starts straight from the click (no await before it) and
// the app shows what happened: what its own tests check, outcome by outcome.
import { connect, authorize, exchangeCode, openConnectLink } from 'vendo-connect';

// The app's real configuration: the tests never change it (the fakes answer these URLs).
const VENDO = 'https://vendo.example';
const AUTH = { issuer: 'https://auth.example', clientId: 'connect-app' };

const status = document.querySelector('#status');
const show = (text) => {
  status.textContent = text;
};

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
const failed = (e) => {
  const text = explain(e);
  if (text !== null) show(text);
};

document.querySelector('#connect-notion').addEventListener('click', () => {
  show('Connecting Notion…');
  connect({ baseUrl: VENDO, provider: 'notion', returnTo: '/connections', timeoutMs: 5000, closedGraceMs: 500 }).then(
    (c) => show(`Connected ${c.displayName} (${c.connectionId})`),
    failed,
  );
});

document.querySelector('#sign-in').addEventListener('click', () => {
  show('Signing in…');
  authorize({
    authorizationEndpoint: `${AUTH.issuer}/authorize`,
    clientId: AUTH.clientId,
    redirectUri: `${location.origin}/callback.html`,
    scope: ['openid', 'offline_access'],
    issuer: AUTH.issuer,
    timeoutMs: 5000,
    // Our sign-in provider sends Cross-Origin-Opener-Policy: its popup reads closed while
    // still open, and the result comes back through callback.html (the package's README).
    detectClose: false,
  })
    .then((a) =>
      exchangeCode({
        tokenEndpoint: `${AUTH.issuer}/token`,
        clientId: AUTH.clientId,
        code: a.code,
        codeVerifier: a.codeVerifier,
        redirectUri: a.redirectUri,
      }),
    )
    .then((tokens) => show(`Signed in (token expires in ${tokens.expiresIn} s)`), failed);
});

document.querySelector('#connect-sheets').addEventListener('click', () => {
  show('Connecting Google Sheets…');
  openConnectLink(
    (redirectUri) =>
      fetch(`/api/connect-link?redirect_uri=${encodeURIComponent(redirectUri)}`)
        .then((r) => r.json())
        .then((j) => j.url),
    { redirectUri: `${location.origin}/callback.html`, timeoutMs: 5000 },
  ).then((t) => show(`Connected ${t.tool} (${t.connectionId})`), failed);
});
