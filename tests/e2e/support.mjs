// Shared set-up for the end-to-end suites: local servers on ephemeral ports, one headless
// Chromium (popup blocker ON), and the harness page that imports the built package.
import { launchBrowser } from './harness.mjs';
import { startServers } from '../../www/server.mjs';
import { CLIENT_ID } from '../../www/stand-ins/oidc.mjs';

export async function setup() {
  const servers = await startServers({ demoPort: 0, vendoPort: 0, providerPort: 0, oidcPort: 0 });
  const browser = await launchBrowser();
  return {
    servers,
    browser,
    async close() {
      await browser.close();
      await servers.close();
    },
  };
}

/** Counts what the SDK holds, by wrapping the browser APIs before any page script runs. */
export const INSTRUMENT = () => {
  const live = { listeners: new Set(), intervals: new Set(), timeouts: new Set(), channels: new Set(), popups: [] };
  window.__live = live;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const key = (t, type, fn, o) => ({ t, type, fn, capture: !!(typeof o === 'object' ? o?.capture : o) });
  EventTarget.prototype.addEventListener = function (type, fn, o) {
    if (type === 'message' || type === 'abort') {
      const k = key(this, type, fn, o);
      if (
        ![...live.listeners].some((e) => e.t === k.t && e.type === k.type && e.fn === k.fn && e.capture === k.capture)
      ) {
        live.listeners.add(k);
        if (typeof o === 'object' && o && o.once) k.once = true;
      }
    }
    return add.call(this, type, fn, o);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, o) {
    const k = key(this, type, fn, o);
    for (const e of live.listeners)
      if (e.t === k.t && e.type === k.type && e.fn === k.fn && e.capture === k.capture) live.listeners.delete(e);
    return remove.call(this, type, fn, o);
  };
  const si = window.setInterval,
    ci = window.clearInterval,
    st = window.setTimeout,
    ct = window.clearTimeout;
  window.setInterval = function (...a) {
    const id = si.apply(this, a);
    live.intervals.add(id);
    return id;
  };
  window.clearInterval = function (id) {
    live.intervals.delete(id);
    return ci.call(this, id);
  };
  window.setTimeout = function (fn, ms, ...rest) {
    const id = st.call(
      this,
      function (...b) {
        live.timeouts.delete(id);
        return typeof fn === 'function' ? fn.apply(this, b) : undefined;
      },
      ms,
      ...rest,
    );
    live.timeouts.add(id);
    return id;
  };
  window.clearTimeout = function (id) {
    live.timeouts.delete(id);
    return ct.call(this, id);
  };
  const BC = window.BroadcastChannel;
  window.BroadcastChannel = class extends BC {
    constructor(name) {
      super(name);
      live.channels.add(this);
    }
    close() {
      live.channels.delete(this);
      return super.close();
    }
  };
  const open = window.open;
  window.open = function (...a) {
    const w = open.apply(this, a);
    if (w) live.popups.push(w);
    return w;
  };
  window.__counts = () => {
    // `once` listeners that fired are gone from the browser too.
    return {
      listeners: [...live.listeners].filter((e) => !(e.once && e.t.aborted)).length,
      intervals: live.intervals.size,
      timeouts: live.timeouts.size,
      channels: live.channels.size,
      openPopups: live.popups.filter((w) => !w.closed).length,
    };
  };
};

export async function harnessPage(ctx, { instrument = false } = {}) {
  const page = await ctx.browser.newPage();
  if (instrument) await page.addInitScript(INSTRUMENT);
  await page.goto(`${ctx.servers.demoOrigin}/harness.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
  return page;
}

/** Sets `window.__action` from source text, clicks the button (a real user gesture), and
 *  returns the popup if one opened. */
export async function clickRun(page, actionSource, { expectPopup = true } = {}) {
  await page.evaluate((src) => {
    window.__action = new Function(src);
  }, actionSource);
  if (!expectPopup) {
    await page.click('#go');
    return null;
  }
  const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), page.click('#go')]);
  return popup;
}

export async function settled(page, index = -1, timeout = 15_000) {
  await page.waitForFunction(
    (i) => {
      const r = window.results.at(i);
      return r && r.status !== 'pending';
    },
    index,
    { timeout },
  );
  return page.evaluate((i) => JSON.parse(JSON.stringify(window.results.at(i))), index);
}

export async function vendoLog(ctx) {
  return (await fetch(`${ctx.servers.vendoOrigin}/__test/log`)).json();
}

/** Signs in on oidc-provider's development login and consent pages. */
export async function login(popup) {
  await popup.waitForSelector('input[name=login]');
  await popup.fill('input[name=login]', 'alice');
  await popup.fill('input[name=password]', 'secret');
  await popup.click('button[type=submit]');
  await popup.waitForSelector('button[type=submit]');
  await popup.click('button[type=submit]');
}

/** Source for `clickRun`: `authorize()` against `oidc` (the servers' OAuth server) coming back
 *  to `redirectUri`, recorded; `extra` is more option text (`key: value,`). */
export const authorizeSrc = (oidc, redirectUri, extra = '') => `window.record(window.sdk.authorize({
    authorizationEndpoint: ${JSON.stringify(oidc.authorizationEndpoint)},
    clientId: ${JSON.stringify(CLIENT_ID)},
    redirectUri: ${JSON.stringify(redirectUri)},
    scope: ['openid', 'offline_access'],
    issuer: ${JSON.stringify(oidc.issuer)},
    ${extra}
  }))`;

/** Source for `clickRun`: `openConnectLink()` with a function that mints at the Vocobase
 *  stand-in (`providerOrigin`) for `redirectUri`, recorded; `window.mintedFor` keeps what it was
 *  asked to mint for. */
export const mintSrc = (
  providerOrigin,
  redirectUri,
  extra = '',
) => `window.record(window.sdk.openConnectLink(async (redirectUri) => {
    window.mintedFor = redirectUri;
    const res = await fetch(${JSON.stringify(`${providerOrigin}/vocobase/api/v2/customers/cust_1/connect-links`)}, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tool_slug: 'google_sheets', redirect_uri: redirectUri }) });
    if (!res.ok) throw new Error('mint failed ' + res.status);
    return (await res.json()).url;
  }, { redirectUri: ${JSON.stringify(redirectUri)}, ${extra} }))`;
