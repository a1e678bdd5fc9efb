// The demo page. Every flow is started synchronously inside its click handler, as the
// SDK requires: the popup opens before anything is awaited.
import {
  connect,
  ready,
  authorize,
  openConnectLink,
  exchangeCode,
  refreshToken,
  revokeToken,
  completeRedirect,
  popupSupport,
  generatePkce,
  parseVendoMessage,
  parseCallbackUrl,
  ConnectError,
} from '/pkg/index.js';

// The local servers' origins come from the query (the tests pass ephemeral ports). A
// same-tab flow comes back without them: they travel in its appState.
let params = new URLSearchParams(location.search);
const origins = () => ({
  VENDO: params.get('vendo') || 'http://127.0.0.1:8081',
  PROVIDER: params.get('provider') || 'http://127.0.0.1:8082',
  OIDC: params.get('oidc') || 'http://127.0.0.1:8083',
});
let { VENDO, PROVIDER, OIDC } = origins();
const CALLBACK = `${location.origin}/callback.html`;
// Same-tab flows come back to this page, which finishes them with completeRedirect().
const HERE = `${location.origin}/`;
const $ = (id) => document.getElementById(id);

function log(kind, detail = '') {
  const li = document.createElement('li');
  li.dataset.kind = kind;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  const k = document.createElement('span');
  k.className = 'kind';
  k.textContent = kind;
  const d = document.createElement('span');
  d.textContent = typeof detail === 'string' ? detail : JSON.stringify(detail);
  li.append(time, k, d);
  $('log').append(li);
  $('log').scrollTop = $('log').scrollHeight;
}

function card(className, title, fields, actions = []) {
  $('results').querySelector('.empty')?.remove();
  const el = document.createElement('div');
  el.className = className;
  const h = document.createElement('h3');
  h.textContent = title;
  const dl = document.createElement('dl');
  for (const [k, v] of Object.entries(fields)) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v === null || v === undefined ? '—' : String(v);
    dl.append(dt, dd);
  }
  el.append(h, dl, ...actions);
  $('results').prepend(el);
  return el;
}

function showError(label, e) {
  if (e instanceof ConnectError) {
    log('error', `${label}: ${e.code}${e.detail ? ` (${e.detail})` : ''}`);
    card('error-card', `${label} failed`, { code: e.code, detail: e.detail, provider: e.provider });
  } else {
    log('error', `${label}: ${e}`);
    card('error-card', `${label} failed`, { error: String(e?.message || e) });
  }
}

const mask = (t) => (t ? `${t.slice(0, 6)}…${t.slice(-4)} (${t.length} chars)` : null);
const onEvent = (e) => log(e.kind, e.detail ?? '');
let controller = null;

function startConnect(provider) {
  controller?.abort();
  controller = new AbortController();
  const sim = $('sim').value;
  const baseUrl = sim ? `${VENDO}/sim/${sim}` : VENDO;
  log('start', `connect ${provider} via ${baseUrl}`);
  connect({ baseUrl, provider, returnTo: `/connections/${provider}`, signal: controller.signal, onEvent })
    .then((c) =>
      card('result-card', `Connected ${c.provider}`, {
        connectionId: c.connectionId,
        externalId: c.externalId,
        displayName: c.displayName,
        returnUrl: c.returnUrl,
      }),
    )
    .catch((e) => showError(`connect ${provider}`, e));
}

$('connect-notion').onclick = () => startConnect('notion');
$('connect-google-calendar').onclick = () => startConnect('google-calendar');
$('connect-slack').onclick = () => startConnect('slack');
$('connect-unknown').onclick = () => startConnect('not-a-provider');
$('cancel').onclick = () => {
  log('cancel', 'aborting the pending flow');
  controller?.abort();
};

/** Exchanges a code and shows the tokens, with refresh and revoke buttons. */
async function signedIn(a) {
  log('code', `code received (iss ${a.iss}); exchanging it`);
  let tokens = await exchangeCode({
    tokenEndpoint: `${OIDC}/token`,
    clientId: 'vendo-connect-demo',
    code: a.code,
    codeVerifier: a.codeVerifier,
    redirectUri: a.redirectUri,
  });
  log('tokens', `access token for ${tokens.expiresIn} s`);
  const refresh = document.createElement('button');
  refresh.textContent = 'Refresh';
  const revoke = document.createElement('button');
  revoke.textContent = 'Revoke';
  const show = () =>
    card(
      'result-card',
      'Signed in (OAuth 2.1 + PKCE)',
      {
        accessToken: mask(tokens.accessToken),
        refreshToken: mask(tokens.refreshToken),
        idToken: mask(tokens.idToken),
        expiresAt: tokens.expiresAt ? new Date(tokens.expiresAt).toLocaleTimeString() : null,
        scope: tokens.scope,
      },
      [refresh, revoke],
    );
  let el = show();
  refresh.onclick = async () => {
    try {
      tokens = await refreshToken({
        tokenEndpoint: `${OIDC}/token`,
        clientId: 'vendo-connect-demo',
        refreshToken: tokens.refreshToken,
      });
      log('refreshed', 'new tokens');
      el.remove();
      el = show();
    } catch (e) {
      showError('refresh', e);
    }
  };
  revoke.onclick = async () => {
    try {
      await revokeToken({
        revocationEndpoint: `${OIDC}/token/revocation`,
        clientId: 'vendo-connect-demo',
        token: tokens.refreshToken,
      });
      log('revoked', 'refresh token revoked');
    } catch (e) {
      showError('revoke', e);
    }
  };
}

/** The same-tab switch: mode, where the flow comes back to, and what it brings back. */
const placement = (what) =>
  $('same-tab').checked
    ? {
        mode: 'redirect',
        redirectUri: HERE,
        appState: { what, search: location.search, startedAt: new Date().toISOString() },
      }
    : { redirectUri: CALLBACK };

$('oauth-signin').onclick = () => {
  log('start', `authorize at ${OIDC}`);
  authorize({
    authorizationEndpoint: `${OIDC}/auth`,
    clientId: 'vendo-connect-demo',
    scope: ['openid', 'offline_access'],
    issuer: OIDC,
    onEvent,
    ...placement('oauth-signin'),
  })
    .then((a) => (a === null ? log('leaving', 'this tab goes to the sign-in page') : signedIn(a)))
    .catch((e) => showError('sign in', e));
};

$('hosted-link').onclick = () => {
  log('start', 'minting a hosted connect link');
  openConnectLink(
    async (redirectUri) => {
      const res = await fetch(`${PROVIDER}/vocobase/api/v2/customers/demo_customer/connect-links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tool_slug: 'google_sheets', redirect_uri: redirectUri }),
      });
      if (!res.ok) throw new Error(`minting failed: ${res.status}`);
      const { url } = await res.json();
      log('minted', url);
      return url;
    },
    { onEvent, ...placement('hosted-link') },
  )
    .then((l) =>
      l === null
        ? log('leaving', 'this tab goes to the hosted link')
        : card('result-card', `Linked ${l.tool}`, { tool: l.tool, connectionId: l.connectionId }),
    )
    .catch((e) => showError('hosted link', e));
};

$('pkce-generate').onclick = () => {
  const p = generatePkce();
  $('pkce-output').textContent =
    `codeVerifier:  ${p.codeVerifier}\ncodeChallenge: ${p.codeChallenge}\nmethod:        ${p.codeChallengeMethod}`;
};

$('parse-input').oninput = () => {
  const text = $('parse-input').value.trim();
  if (!text) {
    $('parse-output').textContent = '—';
    return;
  }
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    /* not JSON: a URL */
  }
  try {
    const parsed = data !== null ? parseVendoMessage(data) : parseCallbackUrl(text);
    $('parse-output').textContent =
      parsed === null ? 'null (not a Vendo message: it would be ignored)' : JSON.stringify(parsed, null, 2);
  } catch (e) {
    $('parse-output').textContent = e instanceof ConnectError ? `ConnectError ${e.code}: ${e.detail}` : String(e);
  }
};

await ready();
const support = popupSupport();
$('popup-support').textContent = support.popup
  ? 'Popups work in this browser.'
  : `Popups cannot work here (${support.reason}): use the same tab.`;
if (!support.popup) $('same-tab').checked = true;
log('ready', `Vendo at ${VENDO}`);

// Coming back from a same-tab flow: finish it (the response leaves the address bar first),
// then restore where the person was from its appState.
try {
  const back = await completeRedirect();
  if (back) {
    const { search, what, startedAt } = back.appState ?? {};
    if (typeof search === 'string') {
      params = new URLSearchParams(search);
      ({ VENDO, PROVIDER, OIDC } = origins());
      history.replaceState(null, '', `${location.pathname}${search}`);
    }
    log('returned', `same-tab ${back.flow} finished; appState.what = ${what}, started ${startedAt}`);
    card('result-card', 'Back from the same-tab flow', { flow: back.flow, appState: JSON.stringify(back.appState) });
    if (back.flow === 'authorize') await signedIn(back);
    else card('result-card', `Linked ${back.tool}`, { tool: back.tool, connectionId: back.connectionId });
  }
} catch (e) {
  showError('same-tab flow', e);
}
