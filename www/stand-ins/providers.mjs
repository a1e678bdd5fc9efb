// Local stand-ins for the systems our flows talk to besides Vendo, one origin for all of them:
// - Vendaze (docs/flows.md#authorize): OAuth 2.1 authorization code + PKCE S256; JSON or form token,
//   refresh (rotating) and revoke endpoints.
// - Vocobase (docs/flows.md#connect-link): minting one-time hosted connect links, the hosted page, and the
//   status / tool / connection_id / error callback contract.
// - Aimable (docs/flows.md#authorize): an authorize endpoint that requires collection_id and space_id and
//   answers 422 without them.
// - COOP (docs/decisions.md#coop): /coop/authorize, a consent page sent with
//   Cross-Origin-Opener-Policy: same-origin (every page of the flow, so the popup is severed
//   at its first navigation); /coop-consent/authorize, a sign-in page without it, then a
//   consent page with it (severed later). Vocobase links minted with `coop: "every"` or
//   `coop: "consent"` behave the same way.
// - relay.html: posts a message from this origin (the Vendo server's wrong_origin and
//   spoof_then_done modes).
// - embed.html: the demo's test harness in an iframe, on this (cross-site) origin.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cors, escapeHtml, html, json, page, readParams, redirect, scriptJson, send } from '../http.mjs';

const token = (p) => `${p}_${randomBytes(16).toString('base64url')}`;
const s256 = (v) => createHash('sha256').update(v).digest('base64url');
const COOP = { 'Cross-Origin-Opener-Policy': 'same-origin' };
const LINK_ERRORS = [
  'oauth_denied',
  'customer_archived',
  'invalid_state',
  'tool_not_found',
  'tool_not_available',
  'provider_mismatch',
  'connection_failed',
  'token_smoke_test_failed',
  'invalid_hmac',
];

function consentPage(title, approveUrl, denyUrl, extra = '') {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p>Review and approve the requested access.</p>${extra}
    <button id="approve" class="primary">Approve</button><button id="deny">Deny</button>`,
    `document.getElementById('approve').onclick = () => { location.href = ${scriptJson(approveUrl)}; };
   document.getElementById('deny').onclick = () => { location.href = ${scriptJson(denyUrl)}; };`,
  );
}

/** A sign-in page whose button goes on to `next` (sent without COOP). */
function signInPage(title, next) {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p>Sign in to continue.</p><button id="signin" class="primary">Sign in</button>`,
    `document.getElementById('signin').onclick = () => { location.href = ${scriptJson(next)}; };`,
  );
}

function withParams(uri, params) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** The connect-link redirect_uri rules (docs/flows.md#connect-link), with the loopback exception (http, any port). */
export function vocobaseRedirectProblem(uri, allowedHosts) {
  if (typeof uri !== 'string' || /[\s\\]/.test(uri)) return 'redirect_uri is not a valid URL';
  let u;
  try {
    u = new URL(uri);
  } catch {
    return 'redirect_uri is not a valid URL';
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(loopback && u.protocol === 'http:')) return 'redirect_uri must use https://';
  if (uri.includes('@') || u.username || u.password) return 'redirect_uri must not contain @ or userinfo';
  if (uri.includes('#')) return 'redirect_uri must not contain a fragment';
  if (!loopback && u.port !== '') return 'redirect_uri must use the default port (443)';
  if (!allowedHosts.includes(u.hostname)) return 'redirect_uri host is not in allowed_redirect_hosts';
  return null;
}

export function providersHandler({ demoOrigin }) {
  const crossOrigin = demoOrigin.replace('//localhost:', '//127.0.0.1:');
  const registered = [
    `${demoOrigin}/callback.html`,
    `${demoOrigin}/callback-coop.html`,
    `${crossOrigin}/callback-cross.html`,
  ];
  const codes = new Map(); // Vendaze authorization codes
  const refreshTokens = new Map();
  const links = new Map(); // Vocobase connect-link tokens

  return async function handle(req, res) {
    const url = new URL(req.url, 'http://providers.local');
    const q = url.searchParams;
    const path = url.pathname;
    if (req.headers.origin === demoOrigin) cors(res, demoOrigin);
    if (req.method === 'OPTIONS') return send(res, 204, '');
    let m;

    if (path === '/embed.html') {
      return html(
        res,
        200,
        page(
          'An app embedding vendo-connect',
          `<iframe id="app" src="${escapeHtml(`${demoOrigin}/harness.html`)}" width="300" height="100"></iframe>`,
        ),
      );
    }
    if (path === '/relay.html') {
      return html(
        res,
        200,
        page(
          'relay',
          '<p>relay</p>',
          `
        const { payload, target, viaParent } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
        const to = viaParent ? window.parent.opener : window.opener;
        if (to) to.postMessage(payload, target);`,
        ),
      );
    }

    // --- Vendaze ---------------------------------------------------------------------
    if (path === '/vendaze/oauth/authorize') {
      const p = Object.fromEntries(q);
      const problem = !p.client_id
        ? 'client_id is required'
        : !registered.includes(p.redirect_uri)
          ? 'redirect_uri is not registered'
          : p.response_type !== 'code'
            ? 'response_type must be code'
            : !p.scope
              ? 'scope is required'
              : !p.state
                ? 'state is required'
                : !p.code_challenge || p.code_challenge_method !== 'S256'
                  ? 'PKCE S256 is required'
                  : null;
      if (problem) return json(res, 400, { error: 'invalid_request', error_description: problem });
      const code = token('vz_code');
      codes.set(code, {
        clientId: p.client_id,
        redirectUri: p.redirect_uri,
        challenge: p.code_challenge,
        expires: Date.now() + 300_000,
        used: false,
      });
      return html(
        res,
        200,
        consentPage(
          'Vendaze: connect a workspace',
          withParams(p.redirect_uri, { code, state: p.state }),
          withParams(p.redirect_uri, { error: 'access_denied', state: p.state }),
          '<p><select id="workspace"><option>acme-corp</option></select></p>',
        ),
      );
    }
    if (path === '/vendaze/oauth/token' && req.method === 'POST') {
      const b = await readParams(req);
      const bad = (d) => json(res, 400, { error: 'invalid_grant', error_description: d });
      if (!b) return json(res, 400, { error: 'invalid_request', error_description: 'unreadable body' });
      if (b.grant_type === 'authorization_code') {
        const c = codes.get(b.code);
        if (!c || c.used || c.expires < Date.now()) return bad('the code is invalid, used or expired');
        c.used = true;
        if (c.clientId !== b.client_id || c.redirectUri !== b.redirect_uri)
          return bad('client or redirect_uri mismatch');
        if (typeof b.code_verifier !== 'string' || s256(b.code_verifier) !== c.challenge)
          return bad('PKCE verification failed');
      } else if (b.grant_type === 'refresh_token') {
        if (!refreshTokens.delete(b.refresh_token)) return bad('the refresh token is invalid');
      } else {
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      const refresh = token('vz_rt');
      refreshTokens.set(refresh, true);
      return json(res, 200, {
        access_token: token('vz_at'),
        refresh_token: refresh,
        token_type: 'Bearer',
        expires_in: 3600,
        workspace_slug: 'acme-corp',
      });
    }
    if (path === '/vendaze/oauth/revoke' && req.method === 'POST') {
      const b = await readParams(req);
      if (b?.token) refreshTokens.delete(b.token);
      return json(res, 200, {});
    }

    // --- Vocobase --------------------------------------------------------------------
    if ((m = path.match(/^\/vocobase\/api\/v2\/customers\/([^/]+)\/connect-links$/)) && req.method === 'POST') {
      const b = await readParams(req);
      if (!b?.tool_slug)
        return json(res, 400, { error: { code: 'INVALID_TOOL_SLUG', message: 'tool_slug is required' } });
      const problem = vocobaseRedirectProblem(b.redirect_uri, ['localhost', '127.0.0.1']);
      if (problem) return json(res, 400, { error: { code: 'INVALID_REDIRECT_URI', message: problem } });
      const t = token('cl');
      const coop = ['every', 'consent'].includes(b.coop) ? b.coop : null; // a stand-in switch, not Vocobase's
      links.set(t, {
        customer: decodeURIComponent(m[1]),
        tool: b.tool_slug,
        redirectUri: b.redirect_uri,
        used: false,
        coop,
      });
      const origin = `http://${req.headers.host}`;
      return json(res, 201, {
        url: `${origin}/vocobase/connect/${t}`,
        expires_at: new Date(Date.now() + 1_800_000).toISOString(),
      });
    }
    if ((m = path.match(/^\/vocobase\/connect\/([^/]+)(\/complete|\/consent)?$/))) {
      const link = links.get(m[1]);
      if (!link) return html(res, 404, page('Link not found', '<h1>This link is not valid.</h1>'));
      const back = (params) => redirect(res, withParams(link.redirectUri, params));
      if (link.used) return back({ status: 'error', error: 'invalid_state' });
      if (m[2] === '/consent') {
        return html(
          res,
          200,
          page(
            `Allow ${link.tool}`,
            `<h1>Allow access to ${escapeHtml(link.tool)}</h1>
          <button id="approve" class="primary">Approve</button>`,
            `document.getElementById('approve').onclick = () => { location.href = location.pathname.replace(/consent$/, 'complete?result=ok'); };`,
          ),
          link.coop ? COOP : {},
        );
      }
      if (!m[2]) {
        const options = LINK_ERRORS.map((c) => `<option>${c}</option>`).join('');
        return html(
          res,
          200,
          page(
            `Connect ${link.tool}`,
            `<h1>Connect ${escapeHtml(link.tool)}</h1>
          <p>Authorize access for your account.</p>
          <button id="approve" class="primary">Approve</button>
          <p><select id="error-code">${options}</select><button id="fail">Fail with this code</button></p>`,
            `const done = (p) => { location.href = location.pathname + '/complete?' + new URLSearchParams(p); };
         document.getElementById('approve').onclick = ${link.coop === 'consent' ? "() => { location.href = location.pathname + '/consent'; }" : "() => done({ result: 'ok' })"};
         document.getElementById('fail').onclick = () => done({ result: 'error', error: document.getElementById('error-code').value });`,
          ),
          link.coop === 'every' ? COOP : {},
        );
      }
      link.used = true;
      if (q.get('result') === 'ok')
        return back({ status: 'ok', tool: link.tool, connection_id: `conn_${randomUUID()}` });
      return back({
        status: 'error',
        error: LINK_ERRORS.includes(q.get('error')) ? q.get('error') : 'connection_failed',
      });
    }

    // --- Aimable ---------------------------------------------------------------------
    if ((m = path.match(/^\/aimable\/v1\/connectors\/oauth\/([^/]+)\/authorize$/))) {
      const missing = ['collection_id', 'space_id'].filter((k) => !q.get(k));
      if (missing.length) {
        return json(res, 422, {
          detail: missing.map((k) => ({ loc: ['query', k], msg: 'field required', type: 'value_error.missing' })),
        });
      }
      const redirectUri = q.get('redirect_uri');
      if (!registered.includes(redirectUri) || !q.get('state'))
        return json(res, 422, { detail: [{ loc: ['query', 'redirect_uri'], msg: 'invalid', type: 'value_error' }] });
      return html(
        res,
        200,
        consentPage(
          `Aimable: connect ${m[1]}`,
          withParams(redirectUri, { code: token('am_code'), state: q.get('state') }),
          withParams(redirectUri, { error: 'access_denied', state: q.get('state') }),
        ),
      );
    }

    // --- COOP ------------------------------------------------------------------------
    if ((m = path.match(/^\/(coop|coop-consent)\/(authorize|consent)$/))) {
      const redirectUri = q.get('redirect_uri');
      if (!registered.includes(redirectUri) || !q.get('state')) return json(res, 400, { error: 'invalid_request' });
      if (m[1] === 'coop-consent' && m[2] === 'authorize') {
        return html(
          res,
          200,
          signInPage('A provider that sends COOP on its consent page', `/coop-consent/consent?${q}`),
        );
      }
      return html(
        res,
        200,
        consentPage(
          'A provider that sends COOP',
          withParams(redirectUri, { code: token('coop_code'), state: q.get('state') }),
          withParams(redirectUri, { error: 'access_denied', state: q.get('state') }),
        ),
        COOP,
      );
    }

    return json(res, 404, { error: 'not_found' });
  };
}
