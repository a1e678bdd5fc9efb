// Memory over a long session (docs/decisions.md#memory): 1,000 sequential connect() flows on one
// page, done, denied, closed and aborted in rotation, against the local Vendo server; the built
// package in headless Chromium with the popup blocker on. Its own file: it runs for minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, harnessPage } from './support.mjs';

let ctx;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx?.close();
});

const base = (mode) => `${ctx.servers.vendoOrigin}${mode ? `/sim/${mode}` : ''}`;

test('1,000 flows (done, denied, closed, aborted) leave no listener, timer, channel or popup, and the heap stops growing', {
  timeout: 20 * 60_000,
}, async () => {
  const page = await harnessPage(ctx, { instrument: true });
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    // The instrumentation keeps every popup it saw; drop the closed ones, then collect.
    await page.evaluate(() => {
      window.__live.popups = window.__live.popups.filter((w) => !w.closed);
    });
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  // The flows are made once, and their outcomes tallied, so the page keeps nothing per flow.
  await page.evaluate(
    ({ approve, deny, plain }) => {
      window.tally = {};
      window.settledCount = 0;
      window.started = 0;
      const run = (p) =>
        p
          .then(
            () => 'resolved',
            (e) => e.code,
          )
          .then((k) => {
            window.tally[k] = (window.tally[k] || 0) + 1;
            window.settledCount += 1;
          });
      const flows = [
        () => run(window.sdk.connect({ baseUrl: approve, provider: 'notion' })),
        () => run(window.sdk.connect({ baseUrl: deny, provider: 'notion' })),
        () => run(window.sdk.connect({ baseUrl: plain, provider: 'notion', closedGraceMs: 0 })), // the person closes it
        () => {
          const c = new AbortController();
          run(window.sdk.connect({ baseUrl: plain, provider: 'notion', signal: c.signal }));
          setTimeout(() => c.abort(), 20);
        },
      ];
      window.__action = () => flows[window.started++ % flows.length]();
    },
    { approve: base('auto_approve'), deny: base('auto_deny'), plain: base() },
  );
  await page.focus('#go');
  const FLOWS = Number(process.env.MEMORY_FLOWS) || 1_000; // fewer only to try the test out
  const started = Date.now();
  const WARM_UP = 20; // the first flows compile and optimise the code they run
  const sizes = { empty: await heap() };
  for (let i = 0; i < FLOWS; i++) {
    // A key press on the focused button is a user gesture, as a click is, and cheaper to send.
    if (i % 4 === 2) {
      const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), page.keyboard.press('Enter')]);
      await popup.waitForSelector('#approve');
      await popup.waitForTimeout(400); // seen on its page (docs/decisions.md#coop), then closed
      await popup.close();
    } else {
      await page.keyboard.press('Enter');
    }
    await page.waitForFunction((n) => window.settledCount === n, i + 1, { timeout: 20_000, polling: 10 });
    if (i === WARM_UP - 1) sizes.start = await heap();
    if (i === FLOWS / 2 - 1) sizes.half = await heap();
  }
  await page.waitForTimeout(2500); // delayed and repeated close() timers run out
  sizes.end = await heap();
  const kib = (b) => (b / 1024).toFixed(1);
  console.log(
    `${FLOWS} flows in ${((Date.now() - started) / 1000).toFixed(0)} s; JS heap after GC: ${kib(sizes.empty)} KiB before the first flow, ` +
      `${kib(sizes.start)} KiB after ${WARM_UP}, ${kib(sizes.half)} KiB after ${FLOWS / 2}, ${kib(sizes.end)} KiB after ${FLOWS}; ` +
      `growth ${kib(sizes.end - sizes.start)} KiB over the whole run (flows ${WARM_UP + 1}–${FLOWS}), ` +
      `${kib(sizes.end - sizes.half)} KiB over the second half (flows ${FLOWS / 2 + 1}–${FLOWS})`,
  );
  assert.deepEqual(await page.evaluate(() => window.tally), {
    resolved: FLOWS / 4,
    access_denied: FLOWS / 4,
    popup_closed: FLOWS / 4,
    aborted: FLOWS / 4,
  });
  const counts = await page.evaluate(() => window.__counts());
  assert.deepEqual(counts, { listeners: 0, intervals: 0, timeouts: 0, channels: 0, openPopups: 0 });
  assert.ok(
    sizes.end - sizes.half < 100 * 1024,
    `the heap grew ${kib(sizes.end - sizes.half)} KiB over the second half`,
  );
  await page.close();
});
