// Faithful by construction (docs/testing.md#faithful-by-construction): every scenario of
// tests/scenarios.mjs runs against the kit's fakes (vendo-connect/testing, from pkg/), against
// the in-page kit (vendo-connect/testing/page, installed in the harness page) and against the
// independent stand-ins of www/ (the local Vendo server, the Vendaze and Vocobase stand-ins),
// through the built package in Chromium; each must give the scenario's result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, clickRun, settled } from './support.mjs';
import { SCENARIOS } from '../scenarios.mjs';
import { installFakes } from '../../pkg/testing.js';

const COMPOSIO = new Set(['google-calendar', 'gmail', 'slack', 'github', 'supabase', 'instagram']);
const CLIENT_ID = 'scenario-app';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

let ctx;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx?.close();
});

/** The steps every target shares: a harness page in `context`, flows run from a real click. */
async function target(context, own) {
  const demo = ctx.servers.demoOrigin;
  const page = await context.newPage();
  await page.goto(`${demo}/harness.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
  let lastLink;
  await page.exposeFunction('__mint', async (redirectUri) => {
    const r = await own.mint(redirectUri);
    if (!r.url) throw new Error(`mint refused: ${r.code}`);
    lastLink = r.url;
    return r.url;
  });
  const call = (src, arg) =>
    page.evaluate(
      async ([s, a]) => {
        try {
          return { status: 'resolved', value: await new Function('a', `return ${s}`)(a) };
        } catch (e) {
          return { status: 'rejected', code: e.code };
        }
      },
      [src, arg],
    );
  // authorize() takes only its own options (an unknown one is invalid_options).
  const { authorizationEndpoint, clientId, issuer } = own.oauth;
  const authorizeOptions = {
    authorizationEndpoint,
    clientId,
    issuer,
    redirectUri: `${demo}/callback.html`,
    scope: 'people:read',
  };
  const tab = async (url) => {
    const t = await context.newPage();
    try {
      const response = await t.goto(url);
      return { t, response };
    } catch (e) {
      await t.close();
      throw e;
    }
  };
  return {
    appOrigin: demo,
    otherRedirectUri: `${demo}/callback-coop.html`,
    unregisteredRedirectUri: `${demo}/elsewhere.html`,
    async connect(outcome, options) {
      own.scriptVendo?.(outcome);
      const popup = await clickRun(
        page,
        `window.record(window.sdk.connect(${JSON.stringify({ baseUrl: own.vendo(outcome), ...options })}))`,
      );
      await own.answerVendo(popup, outcome, options.provider);
      return settled(page);
    },
    async authorize(outcome) {
      own.scriptOAuth?.(outcome);
      const popup = await clickRun(page, `window.record(window.sdk.authorize(${JSON.stringify(authorizeOptions)}))`);
      await own.answerOAuth(popup, outcome);
      return settled(page);
    },
    exchange: (a, overrides = {}) =>
      call('window.sdk.exchangeCode(a)', {
        tokenEndpoint: own.oauth.tokenEndpoint,
        clientId: own.oauth.clientId,
        code: a.code,
        codeVerifier: a.codeVerifier,
        redirectUri: a.redirectUri,
        ...overrides,
      }),
    refresh: (refreshToken) =>
      call('window.sdk.refreshToken(a)', {
        tokenEndpoint: own.oauth.tokenEndpoint,
        clientId: own.oauth.clientId,
        refreshToken,
      }),
    revoke: (token) =>
      call('window.sdk.revokeToken(a)', {
        revocationEndpoint: own.oauth.revocationEndpoint,
        clientId: own.oauth.clientId,
        token,
      }),
    async link(outcome) {
      own.scriptLink?.(outcome);
      const popup = await clickRun(
        page,
        `window.record(window.sdk.openConnectLink((r) => window.__mint(r), { redirectUri: ${JSON.stringify(`${demo}/callback.html`)} }))`,
      );
      await own.answerLink(popup, outcome);
      return settled(page);
    },
    async revisitLink() {
      if (own.revisitLink) return own.revisitLink(page, lastLink);
      const t = await context.newPage();
      const landed = t.waitForRequest((r) => r.url().startsWith(`${demo}/callback.html`));
      await t.goto(lastLink).catch(() => {});
      const q = new URL((await landed).url()).searchParams;
      await t.close();
      return { status: q.get('status'), error: q.get('error') };
    },
    mint: async (uri) => {
      const r = await own.mint(uri);
      return r.url ? { ok: true } : { code: r.code };
    },
    async visitAuthorize(override) {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: own.oauth.clientId,
        redirect_uri: `${demo}/callback.html`,
        scope: 'people:read',
        state: 'state-1',
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
        ...override,
      });
      const url = `${own.oauth.authorizationEndpoint}?${params}`;
      const { t, response } = await tab(url);
      const result = { status: response.status(), redirected: t.url() !== url };
      await t.close();
      return result;
    },
    async visitVendo(path) {
      const { t, response } = await tab(`${own.vendo({})}${path}`);
      const result = { status: response.status(), body: JSON.parse(await response.text()) };
      await t.close();
      return result;
    },
  };
}

/** The stand-ins of www/: outcomes are brought about by their switches and consent pages. */
async function standIns(context) {
  const { vendoOrigin, providerOrigin } = ctx.servers;
  return target(context, {
    vendo: (o) => `${vendoOrigin}${o.error ? `/sim/error_${o.error}` : o.noise ? '/sim/spoof_then_done' : ''}`,
    async answerVendo(popup, o, provider) {
      if (COMPOSIO.has(provider)) await popup.click('#wizard-connect');
      await popup.click(o.denied ? '#deny' : '#approve');
    },
    oauth: {
      authorizationEndpoint: `${providerOrigin}/vendaze/oauth/authorize`,
      tokenEndpoint: `${providerOrigin}/vendaze/oauth/token`,
      revocationEndpoint: `${providerOrigin}/vendaze/oauth/revoke`,
      clientId: CLIENT_ID,
    },
    answerOAuth: (popup, o) => popup.click(o.denied ? '#deny' : '#approve'),
    async answerLink(popup, o) {
      if (o.done) return popup.click('#approve');
      await popup.selectOption('#error-code', o.denied ? 'oauth_denied' : o.error);
      return popup.click('#fail');
    },
    async mint(redirectUri) {
      const r = await fetch(`${providerOrigin}/vocobase/api/v2/customers/cust_1/connect-links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tool_slug: 'google_sheets', redirect_uri: redirectUri }),
      });
      const body = await r.json();
      return r.status === 201 ? { url: body.url } : { code: body.error.code };
    },
  });
}

/** The kit's fakes, scripted with `next(outcome)` before the click. */
async function kit(context) {
  const demo = ctx.servers.demoOrigin;
  const fakes = await installFakes(context, {
    vendo: 'https://vendo.example',
    oauth: {
      issuer: 'https://auth.example',
      clientId: CLIENT_ID,
      redirectUris: [`${demo}/callback.html`, `${demo}/callback-coop.html`],
    },
    links: 'https://links.example',
  });
  return target(context, {
    vendo: () => fakes.vendo.baseUrl,
    scriptVendo: (o) => fakes.vendo.next(o),
    answerVendo: () => {},
    oauth: {
      authorizationEndpoint: fakes.oauth.authorizationEndpoint,
      tokenEndpoint: fakes.oauth.tokenEndpoint,
      revocationEndpoint: fakes.oauth.revocationEndpoint,
      clientId: CLIENT_ID,
      issuer: fakes.oauth.issuer,
    },
    scriptOAuth: (o) => fakes.oauth.next(o),
    answerOAuth: () => {},
    scriptLink: (o) => fakes.links.next(o),
    answerLink: () => {},
    async mint(redirectUri) {
      try {
        return { url: fakes.links.mint({ redirectUri, tool: 'google_sheets' }) };
      } catch (e) {
        return { code: e.code };
      }
    },
  });
}

/**
 * The in-page kit, installed in the harness page (on the demo origin: Vendo's base URL and the
 * redirect URI are that origin's, as docs/testing.md#in-page-runners asks), scripted before the click.
 */
async function pageKit(context) {
  const demo = ctx.servers.demoOrigin;
  const CALLBACK = `${demo}/callback.html`;
  let page;
  const inPage = (f, arg) => page.evaluate(f, arg);
  const script = (service) => (o) => inPage(([s, outcome]) => window.__pageFakes[s].next(outcome), [service, o]);
  const t = await target(context, {
    vendo: () => demo,
    scriptVendo: script('vendo'),
    answerVendo: () => {},
    oauth: {
      authorizationEndpoint: `${demo}/as/authorize`,
      tokenEndpoint: `${demo}/as/token`,
      revocationEndpoint: `${demo}/as/revoke`,
      clientId: CLIENT_ID,
      issuer: `${demo}/as`,
    },
    scriptOAuth: script('oauth'),
    answerOAuth: () => {},
    scriptLink: script('links'),
    answerLink: () => {},
    mint: (redirectUri) =>
      inPage((uri) => {
        try {
          return { url: window.__pageFakes.links.mint({ redirectUri: uri, tool: 'google_sheets' }) };
        } catch (e) {
          return { code: e.code };
        }
      }, redirectUri),
    // The link again, in a window of the page: the query its callback hands back.
    revisitLink: (p, link) =>
      p.evaluate(
        (l) =>
          new Promise((resolve) => {
            addEventListener('message', function heard(e) {
              if (e.data?.type !== 'vendo-connect:callback') return;
              removeEventListener('message', heard);
              const q = new URLSearchParams(e.data.query);
              resolve({ status: q.get('status'), error: q.get('error') });
            });
            window.open(l, '_blank', 'popup=yes');
          }),
        link,
      ),
  });
  page = context.pages()[0];
  await inPage(
    async ([callback, clientId]) => {
      const { installPageFakes } = await import('/pkg/testing-page.js');
      window.__pageFakes = installPageFakes({
        vendo: location.origin,
        oauth: {
          issuer: `${location.origin}/as`,
          clientId,
          redirectUris: [callback, `${location.origin}/callback-coop.html`],
        },
        links: location.origin,
      });
    },
    [CALLBACK, CLIENT_ID],
  );
  return t;
}

for (const scenario of SCENARIOS) {
  test(scenario.name, async () => {
    const results = {};
    const targets = [
      ['stand-ins', standIns],
      ['kit', kit],
    ];
    if (scenario.inPage !== false) targets.push(['in-page kit', pageKit]);
    for (const [name, make] of targets) {
      const context = await ctx.browser.newContext();
      try {
        results[name] = await scenario.run(await make(context));
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(results['stand-ins'], scenario.expect, 'the stand-ins of www/');
    assert.deepEqual(results.kit, scenario.expect, 'the kit');
    if (scenario.inPage !== false) assert.deepEqual(results['in-page kit'], scenario.expect, 'the in-page kit');
  });
}
