// connect() end to end (docs/flows.md#connect, §2): the built package in headless Chromium with the
// popup blocker on, against the local Vendo server (www/server.mjs) on another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closed } from './harness.mjs';
import { setup, harnessPage, clickRun, settled, vendoLog } from './support.mjs';

let ctx;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx?.close();
});

const base = (mode) => `${ctx.servers.vendoOrigin}${mode ? `/sim/${mode}` : ''}`;
const connectSrc = (opts) => `window.record(window.sdk.connect(${opts}))`;

test('notion: click, approve, typed result, ack delivered, popup closed', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(
    page,
    connectSrc(
      `{ baseUrl: ${JSON.stringify(base())}, provider: 'notion', returnTo: '/connections/notion', appKey: 'ak_test' }`,
    ),
  );
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.provider, 'notion');
  assert.match(r.value.connectionId, /^[0-9a-f-]{36}$/);
  assert.match(r.value.externalId, /^vendo_conn_/);
  assert.equal(typeof r.value.displayName, 'string');
  assert.equal(r.value.returnUrl, '/connections/notion');
  assert.match(r.value.state, /^[A-Za-z0-9_-]{43}$/);
  await closed(popup, 5_000);
  const log = await vendoLog(ctx);
  assert.ok(
    log.acks.some((a) => a.connection_id === r.value.connectionId),
    'the popup received our ack',
  );
  const authorize = log.requests.find((q) => q.includes('/api/oauth/notion/authorize'));
  assert.ok(authorize.includes(`opener_origin=${encodeURIComponent(ctx.servers.demoOrigin)}`), authorize);
  assert.ok(authorize.includes('embed=1') && authorize.includes('app_key=ak_test'), authorize);
  await page.close();
});

test('composio provider through the wizard', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(page, connectSrc(`{ baseUrl: ${JSON.stringify(base())}, provider: 'google-calendar' }`));
  await popup.click('#wizard-connect');
  await popup.click('#approve');
  const r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  assert.equal(r.value.provider, 'google-calendar');
  assert.equal(r.value.returnUrl, null);
  await page.close();
});

test('deny rejects with the provider code access_denied', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(page, connectSrc(`{ baseUrl: ${JSON.stringify(base())}, provider: 'notion' }`));
  await popup.click('#deny');
  const r = await settled(page);
  assert.equal(r.status, 'rejected');
  assert.equal(r.code, 'access_denied');
  assert.ok(r.isConnectError, 'a ConnectError, instanceof Error');
  await page.close();
});

test('the person closing the popup rejects with popup_closed after the grace period', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(
    page,
    connectSrc(`{ baseUrl: ${JSON.stringify(base())}, provider: 'notion', closedGraceMs: 300 }`),
  );
  await popup.waitForSelector('#approve');
  await popup.waitForTimeout(600); // a person reads the page first (docs/decisions.md#coop)
  await popup.close();
  const r = await settled(page);
  assert.equal(r.code, 'popup_closed');
  await page.close();
});

test('without a user gesture the popup blocker wins: popup_blocked at once', async () => {
  const page = await ctx.browser.newPage();
  const auto = encodeURIComponent(JSON.stringify({ baseUrl: base(), provider: 'notion' }));
  let popups = 0;
  page.on('popup', () => {
    popups += 1;
  });
  await page.goto(`${ctx.servers.demoOrigin}/harness.html?auto=${auto}`);
  const r = await settled(page, -1, 5_000);
  assert.equal(r.code, 'popup_blocked');
  assert.equal(popups, 0);
  await page.close();
});

test('invalid options reject before any window opens', async () => {
  const page = await harnessPage(ctx);
  const codes = await page.evaluate(async (b) => {
    const cases = [
      undefined,
      null,
      42,
      {},
      { baseUrl: b, provider: 'Notion!' },
      { baseUrl: 'http://vendo.example', provider: 'notion' },
      { baseUrl: b, provider: 'notion', returnTo: 'https://evil.com' },
      { baseUrl: b, provider: 'notion', returnTo: '/\\evil.com' },
      { baseUrl: b, provider: 'notion', returnTo: '/%2F%2Fevil.com' },
      { baseUrl: b, provider: 'notion', timeoutMs: 'soon' },
      { baseUrl: b, provider: 'notion', signal: {} },
      { baseUrl: b, provider: 'notion', popup: { width: -5 } },
      { baseUrl: b, provider: 'notion', onEvent: 'log' },
    ];
    const out = [];
    for (const c of cases) {
      try {
        await window.sdk.connect(c);
        out.push('resolved');
      } catch (e) {
        out.push(e instanceof window.sdk.ConnectError ? e.code : `not a ConnectError: ${e}`);
      }
    }
    return out;
  }, base());
  assert.deepEqual(codes, Array(13).fill('invalid_options'));
  await page.close();
});

test('server errors pass through: unknown provider page never posts, error_<code> rejects with the code', async () => {
  const page = await harnessPage(ctx);
  for (const code of ['db_insert_failed', 'composio_not_active', 'oauth_state_invalid', 'some_future_code']) {
    const popup = await clickRun(
      page,
      connectSrc(`{ baseUrl: ${JSON.stringify(base(`error_${code}`))}, provider: 'notion' }`),
    );
    await popup.click('#approve').catch(() => {});
    const r = await settled(page);
    assert.equal(r.code, code, JSON.stringify(r));
  }
  await page.close();
});

test('misbehaving servers: wrong origin, wrong state and spoofed errors are ignored; omitted state and double posts are fine', async () => {
  const page = await harnessPage(ctx);
  const run = async (mode, extra = '') => {
    await page.evaluate(() => {
      window.events = [];
    });
    const popup = await clickRun(
      page,
      `window.record(window.sdk.connect({ baseUrl: ${JSON.stringify(base(mode))}, provider: 'notion', closedGraceMs: 300, onEvent: (e) => window.events.push(e) ${extra} }))`,
    );
    await popup.waitForSelector('#approve');
    await popup.waitForTimeout(600); // a person reads the page first (docs/decisions.md#coop)
    await popup.click('#approve');
    return popup;
  };

  let popup = await run('wrong_origin');
  await page.waitForFunction(() => window.events.some((e) => e.kind === 'message_ignored'), null, { timeout: 10_000 });
  await popup.close();
  let r = await settled(page);
  assert.equal(r.code, 'popup_closed');
  let events = await page.evaluate(() => window.events);
  assert.ok(
    events.some((e) => e.kind === 'message_ignored' && /origin/.test(e.detail)),
    JSON.stringify(events),
  );

  popup = await run('wrong_state');
  await page.waitForFunction(() => window.events.some((e) => e.kind === 'message_ignored'), null, { timeout: 10_000 });
  await popup.close();
  r = await settled(page);
  assert.equal(r.code, 'popup_closed');
  events = await page.evaluate(() => window.events);
  assert.ok(
    events.some((e) => e.kind === 'message_ignored' && /state/.test(e.detail)),
    JSON.stringify(events),
  );

  await run('spoof_then_done');
  r = await settled(page);
  assert.equal(r.status, 'resolved', JSON.stringify(r));
  events = await page.evaluate(() => window.events);
  assert.ok(
    events.some((e) => e.kind === 'message_ignored'),
    'the spoofed error was ignored',
  );

  await run('omit_state');
  r = await settled(page);
  assert.equal(r.status, 'resolved');

  const before = await page.evaluate(() => window.results.length);
  await run('post_twice');
  r = await settled(page);
  assert.equal(r.status, 'resolved');
  assert.equal(await page.evaluate(() => window.results.length), before + 1);
  await page.close();
});

test('a popup that never posts or closes at once ends in popup_closed; a slow closer is closed for it', async () => {
  const page = await harnessPage(ctx);
  let popup = await clickRun(
    page,
    connectSrc(`{ baseUrl: ${JSON.stringify(base('close_immediately'))}, provider: 'notion', closedGraceMs: 200 }`),
  );
  await popup.waitForSelector('#approve');
  await popup.waitForTimeout(600);
  await popup.click('#approve').catch(() => {});
  let r = await settled(page);
  assert.equal(r.code, 'popup_closed');

  popup = await clickRun(
    page,
    connectSrc(`{ baseUrl: ${JSON.stringify(base('never_post'))}, provider: 'notion', timeoutMs: 1500 }`),
  );
  await popup.click('#approve');
  r = await settled(page);
  assert.equal(r.code, 'timeout');
  await closed(popup, 3_000);

  popup = await clickRun(page, connectSrc(`{ baseUrl: ${JSON.stringify(base('slow_close'))}, provider: 'notion' }`));
  await popup.click('#approve');
  r = await settled(page);
  assert.equal(r.status, 'resolved');
  await closed(popup, 3_000);
  await page.close();
});

test('abort and supersede', async () => {
  const page = await harnessPage(ctx);
  const popup = await clickRun(
    page,
    `window.ctl = new AbortController(); window.record(window.sdk.connect({ baseUrl: ${JSON.stringify(base())}, provider: 'notion', signal: window.ctl.signal }))`,
  );
  await page.evaluate(() => window.ctl.abort());
  let r = await settled(page);
  assert.equal(r.code, 'aborted');
  await closed(popup, 3_000);

  const first = await clickRun(page, connectSrc(`{ baseUrl: ${JSON.stringify(base())}, provider: 'notion' }`));
  const second = await clickRun(page, connectSrc(`{ baseUrl: ${JSON.stringify(base())}, provider: 'slack' }`));
  r = await settled(page, -2);
  assert.equal(r.code, 'superseded');
  await closed(first, 3_000);
  await second.click('#wizard-connect');
  await second.click('#approve');
  r = await settled(page, -1);
  assert.equal(r.status, 'resolved');
  assert.equal(r.value.provider, 'slack');
  await page.close();
});

test('a Vendo message posted as JSON text is ignored like any non-message (docs/wire.md#messages)', async () => {
  const page = await harnessPage(ctx);
  await page.evaluate(() => {
    window.events = [];
  });
  const popup = await clickRun(
    page,
    connectSrc(
      `{ baseUrl: ${JSON.stringify(base('post_string'))}, provider: 'notion', closedGraceMs: 0, onEvent: (e) => window.events.push(e) }`,
    ),
  );
  await popup.waitForSelector('#approve');
  await popup.waitForTimeout(600);
  await popup.click('#approve');
  const r = await settled(page); // Vendo's page, never acked, closes itself after 2 s
  assert.equal(r.code, 'popup_closed', JSON.stringify(r));
  const ignored = (await page.evaluate(() => window.events)).filter((e) => e.kind === 'message_ignored');
  assert.ok(
    ignored.some((e) => /not a vendo:oauth message \(origin http:\/\/127\.0\.0\.1:/.test(e.detail)),
    JSON.stringify(ignored),
  );
  await page.close();
});

test('a flow aborted the moment its popup opens still closes the popup (Chromium drops early close() calls)', async () => {
  const page = await harnessPage(ctx);
  const b = JSON.stringify(base());
  for (let i = 0; i < 30; i++) {
    const popup = await clickRun(
      page,
      `window.c = new AbortController(); window.record(window.sdk.connect({ baseUrl: ${b}, provider: 'notion', signal: window.c.signal }))`,
    );
    await page.evaluate(() => window.c.abort()); // while the popup's first navigation is in flight
    const r = await settled(page);
    assert.equal(r.code, 'aborted');
    await closed(popup, 4_000);
  }
  await page.close();
});
