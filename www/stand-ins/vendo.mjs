// A local Vendo server, faithful to the Vendo protocol (docs/wire.md#vendo): the authorize entry with its 302
// and HttpOnly state cookies, the documented JSON errors, first-party (notion) and
// Composio-managed flows, consent pages, and the callback HTML that posts
// vendo:oauth:done / vendo:oauth:error to window.opener at opener_origin, waits up to 2 s
// for vendo:connection:ack, then closes.
//
// A path prefix /sim/<mode> selects a misbehaviour for tests (see www/README.md).
import { randomBytes, randomUUID } from 'node:crypto';
import { cookies, escapeHtml, html, json, page, readBody, redirect, scriptJson, send } from '../http.mjs';

const FIRST_PARTY = new Set(['notion']);
const COMPOSIO = new Set(['google-calendar', 'gmail', 'slack', 'github', 'supabase', 'instagram']);
const DISPLAY = { notion: 'Acme Notion Workspace', slack: 'Acme Slack', github: 'acme-org' };
const ENTRY_ERRORS = {
  unauthorized: [401, 'unauthorized'],
  no_tenant: [404, 'no_tenant'],
  encryption_key_unavailable: [500, 'encryption_key_unavailable'],
  oauth_client_config_missing: [500, 'oauth_client_config_missing'],
  client_id_missing: [500, 'NOTION_OAUTH_CLIENT_ID missing'],
};

// A same-origin path: starts with one '/', no '\\', no scheme, no control characters, also
// after percent-decoding (repeatedly, so `%252F` cannot smuggle `//` either).
export function safeReturnTo(p) {
  if (typeof p !== 'string' || p.length > 2048) return false;
  let cur = p;
  for (let i = 0; i < 4; i++) {
    if (
      !cur.startsWith('/') ||
      cur.startsWith('//') ||
      /[\\\u0000-\u001f\u007f]/.test(cur) ||
      /^\/*[a-z][a-z0-9+.-]*:/i.test(cur)
    )
      return false;
    let next;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return false;
    }
    if (next === cur) return true;
    cur = next;
  }
  return false;
}

export function vendoHandler({ providerOrigin }) {
  const pending = new Map(); // nonce -> flow context
  const log = { requests: [], acks: [], connections: [] };

  return async function handle(req, res) {
    const url = new URL(req.url, 'http://vendo.local');
    let path = url.pathname;
    let mode = '';
    const sim = path.match(/^\/sim\/([a-z0-9_]+)(\/.*)$/);
    if (sim) {
      mode = sim[1];
      path = sim[2];
    }
    const prefix = sim ? `/sim/${mode}` : '';
    const q = url.searchParams;
    if (!path.startsWith('/__test/')) log.requests.push(req.url);

    if (path === '/__test/log') return json(res, 200, log);
    if (path === '/__test/reset' && req.method === 'POST') {
      pending.clear();
      log.requests.length = 0;
      log.acks.length = 0;
      log.connections.length = 0;
      return json(res, 200, { ok: true });
    }
    if (path === '/__test/ack' && req.method === 'POST') {
      try {
        log.acks.push(JSON.parse(await readBody(req)));
      } catch {
        /* ignored */
      }
      return send(res, 204, '');
    }

    let m;
    if ((m = path.match(/^\/api\/oauth\/([^/]+)\/authorize$/))) return authorize(m[1]);
    if ((m = path.match(/^\/api\/oauth\/composio\/([^/]+)\/start$/))) return start(m[1]);
    if ((m = path.match(/^\/connections\/connect\/([^/]+)$/))) return wizard(m[1]);
    if ((m = path.match(/^\/fake-provider\/([^/]+)\/authorize$/))) return consent(m[1], 'state');
    if ((m = path.match(/^\/fake-composio\/([^/]+)\/authorize$/))) return consent(m[1], 'cstate');
    if ((m = path.match(/^\/api\/oauth\/composio\/([^/]+)\/callback$/)))
      return callback(m[1], q.get('cstate'), 'composio');
    if ((m = path.match(/^\/api\/oauth\/([^/]+)\/callback$/))) return callback(m[1], q.get('state'), 'first_party');
    return json(res, 404, { error: 'not_found' });

    function entryChecks(provider, catalog) {
      if (ENTRY_ERRORS[mode]) {
        const [s, e] = ENTRY_ERRORS[mode];
        json(res, s, { error: e });
        return false;
      }
      if (!catalog.has(provider)) {
        json(res, 404, { error: 'provider_unknown' });
        return false;
      }
      if (q.has('returnTo') && !safeReturnTo(q.get('returnTo'))) {
        json(res, 400, { error: 'invalid_return_to' });
        return false;
      }
      return true;
    }

    function remember(provider, kind) {
      const nonce = randomBytes(16).toString('hex');
      pending.set(nonce, {
        nonce,
        provider,
        kind,
        mode,
        prefix,
        state: q.get('state'),
        openerOrigin: q.get('opener_origin'),
        appKey: q.get('app_key'),
        returnTo: q.get('returnTo'),
        embed: q.get('embed') === '1',
      });
      const attrs = 'HttpOnly; SameSite=Lax; Path=/; Max-Age=600';
      res.setHeader('Set-Cookie', [`vendo_oauth_${nonce}=1; ${attrs}`, `vendo_oauth_pending=${nonce}; ${attrs}`]);
      return nonce;
    }

    // GET /api/oauth/{provider}/authorize
    function authorize(provider) {
      if (!entryChecks(provider, new Set([...FIRST_PARTY, ...COMPOSIO]))) return;
      if (COMPOSIO.has(provider)) return redirect(res, `${prefix}/api/oauth/composio/${provider}/start?${q}`);
      const nonce = remember(provider, 'first_party');
      return redirect(res, `${prefix}/fake-provider/${provider}/authorize?state=${nonce}`);
    }

    // GET /api/oauth/composio/{provider}/start
    function start(provider) {
      if (!entryChecks(provider, COMPOSIO)) return;
      if (q.get('embed') === '1' && q.get('internal') !== '1') {
        return redirect(res, `${prefix}/connections/connect/${provider}?${q}`);
      }
      const nonce = remember(provider, 'composio');
      return redirect(res, `${prefix}/fake-composio/${provider}/authorize?cstate=${nonce}`);
    }

    function wizard(provider) {
      const again = new URLSearchParams(q);
      again.set('internal', '1');
      return html(
        res,
        200,
        page(
          `Connect ${provider}`,
          `<h1>Connect ${escapeHtml(provider)}</h1>
        <p>Vendo will ask ${escapeHtml(provider)} for access. You can pick an existing connection or make a new one.</p>
        <button id="wizard-connect" class="primary">Connect</button>`,
          `document.getElementById('wizard-connect').onclick = () => { location.href = ${scriptJson(`${prefix}/api/oauth/composio/${provider}/start?${again}`)}; };`,
        ),
      );
    }

    function consent(provider, param) {
      const nonce = q.get(param) || '';
      const base =
        param === 'cstate'
          ? `${prefix}/api/oauth/composio/${provider}/callback`
          : `${prefix}/api/oauth/${provider}/callback`;
      const approve = `${base}?${new URLSearchParams({ code: `code_${randomBytes(6).toString('hex')}`, [param]: nonce })}`;
      const deny = `${base}?${new URLSearchParams({ error: 'access_denied', [param]: nonce })}`;
      const flow = pending.get(nonce);
      const auto = flow && { auto_approve: 'approve', auto_deny: 'deny' }[flow.mode];
      if (mode === 'coop_consent' && q.get('signed_in') !== '1') {
        // The provider's sign-in page, without COOP; its consent page sends it.
        return html(
          res,
          200,
          page(
            `Sign in to ${provider}`,
            `<h1>Sign in to ${escapeHtml(provider)}</h1>
          <button id="signin" class="primary">Sign in</button>`,
            `document.getElementById('signin').onclick = () => { location.href = ${scriptJson(`${url.pathname}?${q}&signed_in=1`)}; };`,
          ),
        );
      }
      const coop =
        mode === 'coop_every' || mode === 'coop_consent' ? { 'Cross-Origin-Opener-Policy': 'same-origin' } : {};
      return html(
        res,
        200,
        page(
          `Authorize ${provider}`,
          `<h1>${escapeHtml(provider)} wants access</h1>
        <p>Allow Vendo to read and write your ${escapeHtml(provider)} data?</p>
        <button id="approve" class="primary">Approve</button><button id="deny">Deny</button>`,
          `document.getElementById('approve').onclick = () => { location.href = ${scriptJson(approve)}; };
       document.getElementById('deny').onclick = () => { location.href = ${scriptJson(deny)}; };
       ${auto ? `document.getElementById("${auto}").click();` : ''}`,
        ),
        coop,
      );
    }

    // GET /api/oauth/{provider}/callback and /api/oauth/composio/{provider}/callback
    function callback(provider, nonce, kind) {
      const jar = cookies(req);
      const flow = nonce ? pending.get(nonce) : undefined;
      const fail = (status, code, detail) =>
        callbackPage(res, status, flow, { type: 'vendo:oauth:error', code, detail, state: flow?.state ?? null });
      if (kind === 'composio' && !nonce) return fail(400, 'missing_cstate', 'cstate is missing');
      if (q.get('error')) return fail(400, q.get('error'), 'the provider reported an error');
      if (kind === 'first_party' && (!q.get('code') || !nonce))
        return fail(400, 'missing_params', 'code or state is missing');
      if (!flow || jar[`vendo_oauth_${nonce}`] !== '1' || flow.provider !== provider) {
        return fail(400, 'oauth_state_invalid', 'the state cookie does not match');
      }
      pending.delete(nonce);
      // Server strings carrying markup: the demo must show them as text (docs/security.md#rendering).
      const markup = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
      if (flow.mode === 'html_detail') return fail(500, 'db_insert_failed', markup);
      const forced = flow.mode.match(/^error_(.+)$/);
      if (forced) return fail(500, forced[1], `simulated ${forced[1]}`);
      const connection = {
        provider,
        connection_id: randomUUID(),
        external_id: `vendo_conn_${randomBytes(8).toString('hex')}`,
        display_name: flow.mode === 'html_name' ? markup : DISPLAY[provider] || 'user@example.com',
        return_url: flow.returnTo ?? null,
      };
      log.connections.push({ ...connection, app_key: flow.appKey, bound: Boolean(flow.embed && flow.appKey) });
      return callbackPage(res, 200, flow, { type: 'vendo:oauth:done', ...connection, state: flow.state });
    }
  };

  function callbackPage(res, status, flow, payload) {
    const mode = flow?.mode || '';
    const openerOrigin = flow?.openerOrigin || '';
    const gone = 'HttpOnly; SameSite=Lax; Path=/; Max-Age=0';
    const headers = {
      'Set-Cookie': [`vendo_oauth_pending=; ${gone}`, ...(flow?.nonce ? [`vendo_oauth_${flow.nonce}=; ${gone}`] : [])],
    };
    if (mode === 'omit_state') delete payload.state;
    if (mode === 'wrong_state') payload.state = `not-${payload.state}`;
    if (mode === 'wrong_origin') {
      // The same popup, but the message comes from a page on another origin.
      return redirect(
        res,
        `${providerOrigin}/relay.html#${encodeURIComponent(JSON.stringify({ payload, target: openerOrigin }))}`,
        headers,
      );
    }
    const spoof =
      mode === 'spoof_then_done'
        ? `<iframe src="${escapeHtml(
            `${providerOrigin}/relay.html#${encodeURIComponent(
              JSON.stringify({
                payload: {
                  type: 'vendo:oauth:error',
                  code: 'spoofed',
                  detail: 'from another origin',
                  state: payload.state,
                },
                target: openerOrigin,
                viaParent: true,
              }),
            )}`,
          )}" hidden></iframe>`
        : '';
    const script = `
      const payload = ${scriptJson(payload)}, openerOrigin = ${scriptJson(openerOrigin)}, mode = ${scriptJson(mode)};
      const prefix = ${scriptJson(flow?.prefix || '')};
      const message = mode === 'post_string' ? JSON.stringify(payload) : payload;
      function post() { if (window.opener && openerOrigin) window.opener.postMessage(message, openerOrigin); }
      if (mode === 'close_immediately') window.close();
      else if (mode !== 'never_post') {
        let acked = false;
        addEventListener('message', (e) => {
          if (acked || e.origin !== openerOrigin || e.source !== window.opener) return;
          if (!e.data || e.data.type !== 'vendo:connection:ack' || e.data.connection_id !== payload.connection_id) return;
          acked = true;
          fetch(prefix + '/__test/ack', { method: 'POST', body: JSON.stringify(e.data) }).finally(() => { if (mode !== 'slow_close') window.close(); });
        });
        const delay = mode === 'spoof_then_done' ? 400 : 0;
        setTimeout(() => {
          post();
          if (mode === 'post_twice') post();
          setTimeout(() => { if (!acked || mode === 'slow_close') window.close(); }, mode === 'slow_close' ? 10000 : 2000);
        }, delay);
      }`;
    const text =
      payload.type === 'vendo:oauth:done' ? 'Connected. This window will close.' : `Could not connect: ${payload.code}`;
    return html(res, status, page('Vendo', `<h1>${escapeHtml(text)}</h1>${spoof}`, script), headers);
  }
}
