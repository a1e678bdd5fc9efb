// The floor for click → tokens: our authorize popup flow written in plain JS, with no SDK and
// no wasm, doing the same steps as ours (docs/flows.md#authorize, #callback-page): S256 PKCE
// (WebCrypto), a fresh state, the popup opened inside the click, a callback page that strips
// its URL first and posts the query to the opener at its own origin, an opener that checks
// origin, source, state and issuer, acks, and exchanges the code with fetch. No option checks,
// no typed errors, no timeouts: what any implementation of these flows must at least do.
const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

export function authorize({ authorizationEndpoint, clientId, redirectUri, scope, issuer }) {
  const popup = window.open('about:blank', '_blank', 'popup=yes,width=500,height=650');
  const state = random();
  const codeVerifier = random();
  return new Promise((resolve, reject) => {
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier)).then((digest) => {
      const url = new URL(authorizationEndpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope,
        state,
        code_challenge: base64url(new Uint8Array(digest)),
        code_challenge_method: 'S256',
      });
      popup.location.href = url.href;
    });
    addEventListener('message', function onMessage(e) {
      if (
        e.origin !== location.origin ||
        e.source !== popup ||
        e.data?.type !== 'plain:callback' ||
        e.data.state !== state
      )
        return;
      removeEventListener('message', onMessage);
      popup.postMessage({ type: 'plain:ack', state }, location.origin);
      const q = new URLSearchParams(e.data.query);
      if (q.has('error')) reject(new Error(q.get('error')));
      else if (issuer && q.get('iss') !== issuer) reject(new Error('iss does not match'));
      else resolve({ code: q.get('code'), codeVerifier, redirectUri });
    });
  });
}

export function completeCallback() {
  const query = location.search.slice(1);
  history.replaceState(null, '', location.pathname);
  const state = new URLSearchParams(query).get('state');
  addEventListener('message', (e) => {
    if (e.origin === location.origin && e.source === opener && e.data?.type === 'plain:ack') close();
  });
  opener.postMessage({ type: 'plain:callback', state, query }, location.origin);
}

export async function exchangeCode({ tokenEndpoint, clientId, code, codeVerifier, redirectUri }) {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: codeVerifier,
    }),
  });
  const t = await response.json();
  if (!response.ok || !t.access_token) throw new Error(t.error || String(response.status));
  return { accessToken: t.access_token, idToken: t.id_token };
}
