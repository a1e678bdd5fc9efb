// Cross-Origin-Opener-Policy with DEFAULT options (docs/decisions.md#coop): stand-ins that send
// COOP at the popup's first navigation and only on a later consent page, for authorize(),
// openConnectLink() (link function and link string) and connect(); a person's close without
// COOP, early and late, with its settle time printed; and an app in a cross-site iframe.
// The built package, headless Chromium, popup blocker on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, closed } from './harness.mjs';
import { setup, harnessPage, clickRun, settled } from './support.mjs';

let ctx;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx?.close();
});

const callback = () => `${ctx.servers.demoOrigin}/callback.html`;
const at = (path) => JSON.stringify(`${ctx.servers.providerOrigin}${path}`);
const vendo = (mode) => JSON.stringify(`${ctx.servers.vendoOrigin}${mode ? `/sim/${mode}` : ''}`);
// Every flow here logs its event kinds and the time it settled (performance.now()).
const HOOK = 'onEvent: (e) => window.events.push(e.kind),';
const recorded = (call) => `window.t0 = performance.now(); window.record(${call}).then(() => {}, () => {})
  .finally(() => { window.tSettled = performance.now(); });`;

const authorizeSrc = (path, extra = '') =>
  recorded(`window.sdk.authorize({ authorizationEndpoint: ${at(path)},
  clientId: 'coop-client', redirectUri: ${JSON.stringify(callback())}, scope: 'read', ${HOOK} ${extra} })`);
/** openConnectLink with a link function that mints at the Vocobase stand-in (`coop`: every | consent). */
const linkFnSrc = (coop, extra = '') =>
  recorded(`window.sdk.openConnectLink(async (redirectUri) => {
    const res = await fetch(${at('/vocobase/api/v2/customers/cust_1/connect-links')}, { method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tool_slug: 'google_sheets', redirect_uri: redirectUri, coop: ${JSON.stringify(coop)} }) });
    return (await res.json()).url;
  }, { redirectUri: ${JSON.stringify(callback())}, ${HOOK} ${extra} })`);
/** A link minted earlier (here, by the test) for the callback with `vc_state`. */
async function mintString(coop, state) {
  const redirectUri = `${callback()}${state ? `?vc_state=${state}` : ''}`;
  const res = await fetch(`${ctx.servers.providerOrigin}/vocobase/api/v2/customers/cust_1/connect-links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tool_slug: 'google_sheets', redirect_uri: redirectUri, coop }),
  });
  return (await res.json()).url;
}
const linkStringSrc = (url, state, extra = '') =>
  recorded(`window.sdk.openConnectLink(${JSON.stringify(url)},
  { redirectUri: ${JSON.stringify(callback())}, ${state ? `state: ${JSON.stringify(state)},` : ''} ${HOOK} ${extra} })`);
const connectSrc = (mode, extra = '') =>
  recorded(`window.sdk.connect({ baseUrl: ${vendo(mode)}, provider: 'notion', ${HOOK} ${extra} })`);

async function start(page, src) {
  await page.evaluate(() => {
    window.events = [];
    window.tSettled = undefined;
  });
  return clickRun(page, src);
}
const events = (page) => page.evaluate(() => window.events);
const pending = async (page) => (await page.evaluate(() => window.results.at(-1).status)) === 'pending';
const uncertain = (page) =>
  page.waitForFunction(() => window.events.includes('popup_uncertain'), null, { timeout: 10_000 });
/** The person reads the page for a second (the SDK sees it for longer than PAGE_SEEN_MS), then clicks `selector`. */
/** With `detectClose: false`, a popup severed on a later page: past `step`, the flow turns
 * uncertain, the person approves, and the answer arrives over the channel. */
async function resolvesDespiteLaterCoop(page, popup, step) {
  await proceed(popup, step);
  await uncertain(page);
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  return r;
}

async function proceed(popup, selector) {
  await popup.waitForSelector(selector);
  await popup.waitForTimeout(1_000);
  await popup.click(selector);
}

/** COOP at the first navigation: the flow reports popup_uncertain, outlives closedGraceMs, and resolves. */
async function survivesFirstNavigation(page, popup, approve = '#approve') {
  await uncertain(page);
  await page.waitForTimeout(2_000); // longer than the default closedGraceMs (1500)
  assert.ok(await pending(page), 'still pending while the person signs in');
  await popup.click(approve);
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  const kinds = await events(page);
  assert.ok(!kinds.includes('popup_closed_detected'), kinds.join());
  assert.ok(kinds.includes('popup_uncertain') && kinds.includes('resolved'), kinds.join());
  await closed(popup, 5_000); // the callback page got the ack on the channel and closed itself
  return r.value;
}

test('authorize: COOP on every page (severed at the first navigation), default options: resolves over the channel', async () => {
  const page = await harnessPage(ctx);
  const popup = await start(page, authorizeSrc('/coop/authorize'));
  const value = await survivesFirstNavigation(page, popup);
  assert.ok(value.code && value.codeVerifier);
  await page.close();
});

test('authorize: COOP only on a later consent page, default options: ends in popup_closed; with detectClose: false it resolves', async () => {
  const page = await harnessPage(ctx);
  let popup = await start(page, authorizeSrc('/coop-consent/authorize'));
  await proceed(popup, '#signin');
  const r = await settled(page);
  assert.equal(r.code, 'popup_closed', 'a later COOP looks like a close (the documented trade-off)');
  assert.ok((await events(page)).includes('popup_closed_detected'));
  await popup.close();

  popup = await start(page, authorizeSrc('/coop-consent/authorize', 'detectClose: false,'));
  assert.equal((await resolvesDespiteLaterCoop(page, popup, '#signin')).status, 'resolved');
  await page.close();
});

test('openConnectLink (link function): COOP at the first navigation resolves; a later COOP is popup_closed, or resolves with detectClose: false', async () => {
  const page = await harnessPage(ctx);
  let popup = await start(page, linkFnSrc('every'));
  const value = await survivesFirstNavigation(page, popup);
  assert.equal(value.tool, 'google_sheets');

  popup = await start(page, linkFnSrc('consent'));
  await proceed(popup, '#approve');
  const r = await settled(page);
  assert.equal(r.code, 'popup_closed');
  await popup.close();

  popup = await start(page, linkFnSrc('consent', 'detectClose: false,'));
  assert.equal((await resolvesDespiteLaterCoop(page, popup, '#approve')).status, 'resolved');
  await page.close();
});

test('openConnectLink (link string): with its vc_state as state it survives COOP; without, nothing can reach it: opener_lost', async () => {
  const page = await harnessPage(ctx);
  let popup = await start(page, linkStringSrc(await mintString('every', 'link-state-1'), 'link-state-1'));
  const value = await survivesFirstNavigation(page, popup);
  assert.equal(value.tool, 'google_sheets');

  popup = await start(page, linkStringSrc(await mintString('every'), null));
  const r = await settled(page);
  assert.equal(r.code, 'opener_lost', JSON.stringify(r));
  await popup.close();

  popup = await start(
    page,
    linkStringSrc(await mintString('consent', 'link-state-2'), 'link-state-2', 'detectClose: false,'),
  );
  assert.equal((await resolvesDespiteLaterCoop(page, popup, '#approve')).status, 'resolved');
  await page.close();
});

test('connect: Vendo severed at the first navigation rejects with opener_lost after closedGraceMs; a later COOP is popup_closed', async () => {
  const page = await harnessPage(ctx);
  let popup = await start(page, connectSrc('coop_every'));
  let r = await settled(page);
  assert.equal(r.code, 'opener_lost', JSON.stringify(r));
  const t = await page.evaluate(() => window.tSettled - window.t0);
  console.log(`connect, COOP at the first navigation: opener_lost ${Math.round(t)} ms after the click`);
  assert.ok(t < 5_000, `${t}`);
  assert.ok(await popup.$('#approve'), 'the person is still on the consent page');
  await popup.close();

  popup = await start(page, connectSrc('coop_consent'));
  await proceed(popup, '#signin');
  r = await settled(page);
  assert.equal(r.code, 'popup_closed');
  await popup.close();
  await page.close();
});

test('signal and cancel end an uncertain flow at once', async () => {
  const page = await harnessPage(ctx);
  const popup = await start(
    page,
    `window.ctl = new AbortController(); ${authorizeSrc('/coop/authorize', 'signal: window.ctl.signal,')}`,
  );
  await uncertain(page);
  const took = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const t = performance.now();
        window.ctl.abort();
        const check = () => (window.tSettled !== undefined ? resolve(window.tSettled - t) : setTimeout(check, 1));
        check();
      }),
  );
  const r = await settled(page);
  assert.equal(r.code, 'aborted');
  console.log(`abort while popup_uncertain: settled ${took.toFixed(1)} ms after abort()`);
  assert.ok(took < 50, `${took}`);
  await popup.close();
  await page.close();
});

test("a person's close without COOP, early and late, settles within a few seconds (figures printed)", async () => {
  const page = await harnessPage(ctx);
  const flows = {
    authorize: () => authorizeSrc('/vendaze/oauth/authorize'),
    connect: () => connectSrc(''),
  };
  for (const [name, src] of Object.entries(flows)) {
    for (const [when, wait] of [
      ['early', 700],
      ['late', 4_000],
    ]) {
      const popup = await start(page, src());
      await popup.waitForSelector('#approve');
      await popup.waitForTimeout(wait);
      const tClose = await page.evaluate(() => performance.now());
      await popup.close();
      const r = await settled(page);
      const { t0, tSettled } = await page.evaluate(() => ({ t0: window.t0, tSettled: window.tSettled }));
      console.log(
        `human close, ${name}, ${when} (popup ${Math.round(tClose - t0)} ms old): ${r.code} ${Math.round(tSettled - tClose)} ms after the close`,
      );
      assert.equal(r.code, 'popup_closed', `${name} ${when}`);
      assert.ok(tSettled - tClose < 5_000, `${name} ${when}: ${tSettled - tClose} ms`);
      assert.ok(!(await events(page)).includes('popup_uncertain'));
    }
  }
  await page.close();
});

test('a failed link function closes its blank popup at once: closed within 100 ms of the rejection', async () => {
  const page = await harnessPage(ctx);
  await page.evaluate(() => {
    const open = window.open;
    window.open = function (...a) {
      const w = open.apply(this, a);
      window.lastPopup = w;
      return w;
    };
  });
  const popup = await clickRun(
    page,
    `window.sdk.openConnectLink(() => new Promise((_, no) => setTimeout(() => no(new Error('backend down')), 300)),
    { redirectUri: ${JSON.stringify(callback())} }).catch((e) => {
      window.rejectedAt = performance.now();
      window.closedAtRejection = window.lastPopup.closed;
      const poll = () => (window.lastPopup.closed ? (window.closedAt = performance.now()) : setTimeout(poll, 1));
      poll();
      window.failure = e.message;
    })`,
  );
  await page.waitForFunction(() => window.closedAt !== undefined, null, { timeout: 5_000 });
  const r = await page.evaluate(() => ({
    failure: window.failure,
    closedAtRejection: window.closedAtRejection,
    gap: window.closedAt - window.rejectedAt,
  }));
  console.log(
    `failed link function: popup closed ${r.gap.toFixed(1)} ms after the rejection handler ran (closed already: ${r.closedAtRejection})`,
  );
  assert.equal(r.failure, 'backend down');
  assert.ok(r.gap < 100, `${r.gap} ms`);
  await closed(popup, 1_000);
  await page.close();
});

// --- an app in a cross-site iframe (docs/flows.md#cross-site-iframes) ----------------------------

/** Chromium with third-party storage partitioning on, as Chrome ships it since 115. Playwright
 *  launches Chromium with it off (its default --disable-features list), so this one is started
 *  here with its own arguments (headless, popup blocker on) and driven over the DevTools protocol. */
async function partitioned() {
  const profile = await mkdtemp(path.join(tmpdir(), 'vendo-connect-partitioned-'));
  const proc = spawn(
    CHROMIUM,
    [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--enable-features=ThirdPartyStoragePartitioning',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = once(proc, 'exit');
  const close = async () => {
    proc.kill();
    await exited;
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let text = '';
      proc.stderr.on('data', (d) => {
        text += d;
        const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      exited.then(() => reject(new Error(`chromium exited: ${text}`)));
      setTimeout(() => reject(new Error('chromium gave no DevTools endpoint')), 15_000);
    });
    const browser = await chromium.connectOverCDP(endpoint);
    return {
      browser,
      async close() {
        await browser.close();
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}

async function framedApp(browser) {
  const page = await browser.newPage();
  await page.goto(`${ctx.servers.providerOrigin}/embed.html`);
  const frame = page.frames().find((f) => f.url().startsWith(ctx.servers.demoOrigin));
  await frame.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
  return { page, frame };
}
async function clickInFrame(page, frame, src) {
  await frame.evaluate((s) => {
    window.events = [];
    window.__action = new Function(s);
  }, src);
  const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), frame.click('#go')]);
  return popup;
}
async function settledIn(frame, timeout = 15_000) {
  await frame.waitForFunction(() => window.results.at(-1)?.status !== 'pending', null, { timeout });
  return frame.evaluate(() => JSON.parse(JSON.stringify(window.results.at(-1))));
}

test('cross-site iframe: results by postMessage arrive (authorize, connect); the BroadcastChannel fallback does not (storage partitioning)', async () => {
  const chrome = await partitioned();
  try {
    const { page, frame } = await framedApp(chrome.browser);
    let popup = await clickInFrame(page, frame, authorizeSrc('/vendaze/oauth/authorize'));
    await popup.click('#approve');
    let r = await settledIn(frame);
    assert.equal(r.status, 'resolved', JSON.stringify(r));

    popup = await clickInFrame(page, frame, connectSrc(''));
    await popup.click('#approve');
    r = await settledIn(frame);
    assert.equal(r.status, 'resolved', JSON.stringify(r));

    // COOP: the top-level callback page posts on the channel of its own (first-party) storage
    // partition; the iframe's channel lives in the top page's partition and never hears it.
    popup = await clickInFrame(page, frame, authorizeSrc('/coop/authorize', 'timeoutMs: 8000,'));
    await frame.waitForFunction(() => window.events.includes('popup_uncertain'), null, { timeout: 10_000 });
    await popup.click('#approve');
    await popup.waitForFunction(() => /invalid_state/.test(document.body.textContent), null, { timeout: 10_000 });
    r = await settledIn(frame, 15_000);
    assert.equal(r.code, 'timeout', JSON.stringify(r));
    assert.deepEqual(await frame.evaluate(() => window.events), ['popup_opened', 'popup_uncertain', 'rejected']);
  } finally {
    await chrome.close();
  }
});
