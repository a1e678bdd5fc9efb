// Side-by-side figures against a peer (oidc-client-ts), medians only, no assertions:
//   startUp: navigation start → SDK usable, on a throttled phone profile, cache disabled
//   clickToTokens: click → tokens in hand against the same oidc-provider, login + consent
//                  automated identically, a fresh browser context (no session, no grant) per round
import { login } from '../tests/e2e/support.mjs';

export const PHONE = {
  network: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
  cpu: 4,
};

export const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/** Rounds alternate the sides, and which goes first alternates too (ABBA). */
async function alternate(rounds, run, sides = ['ours', 'peer']) {
  const out = Object.fromEntries(sides.map((s) => [s, []]));
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [...sides].reverse() : sides;
    for (const side of order) out[side].push(await run(side));
  }
  return out;
}

async function startUpRound(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', PHONE.network);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpu });
    // The page logs when it is usable (its own performance.now() is the figure). Waiting on that
    // message, rather than polling with waitForFunction, keeps Playwright's injected script out
    // of the throttled page until the measurement is over.
    const usable = page.waitForEvent('console', { predicate: (m) => m.text() === 'bench:usable', timeout: 60_000 });
    usable.catch(() => {}); // awaited below; never an unhandled rejection if goto throws first
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await usable;
    return await page.evaluate(() => ({
      usable: window.usable,
      resources: performance.getEntriesByType('resource').map((r) => ({
        path: new URL(r.name).pathname,
        start: r.startTime,
        end: r.responseEnd,
        bytes: r.transferSize,
      })),
      html: performance.getEntriesByType('navigation')[0].responseEnd,
    }));
  } finally {
    await context.close();
  }
}

export async function startUp({ browser, origin, rounds }) {
  // `preload`: ours on a page that preloads the wasm (`<link rel=preload>`), as the README advises.
  const url = {
    ours: `${origin}/start-ours.html`,
    preload: `${origin}/start-ours.html?preload`,
    peer: `${origin}/start-peer.html`,
  };
  const sides = Object.keys(url);
  // One unmeasured round first: the browser's own first-navigation costs are nobody's.
  for (const side of sides) await startUpRound(browser, url[side]);
  const runs = await alternate(rounds, (side) => startUpRound(browser, url[side]), sides);
  if (process.env.BENCH_DEBUG) console.error(JSON.stringify({ startUp: runs }, null, 1));
  const summary = {};
  for (const side of sides) {
    const ms = runs[side].map((r) => r.usable);
    const m = median(ms);
    // The resource waterfall of the round closest to the median, to see where the time goes.
    const typical = runs[side].reduce((a, b) => (Math.abs(b.usable - m) < Math.abs(a.usable - m) ? b : a));
    summary[side] = { ms, median: m, typical };
  }
  return summary;
}

/**
 * `preload`: ours with its callback page preloading the module and the wasm, as the README
 * advises; `plain`: the floor, our flow's steps in plain JS with no SDK (bench/public/plain.js).
 */
export async function clickToTokens({ browser, origin, tokenEndpoint, rounds }) {
  const sides = ['ours', 'preload', 'peer', 'plain'];
  const run = async (side) => {
    const r = await flowRound(browser, origin, side, tokenEndpoint);
    if (r.error || !r.ok) console.error(`bench: ${side} flow failed: ${r.error || 'no tokens'}`);
    return r;
  };
  for (const side of sides) await run(side); // unmeasured warm-up round
  const runs = await alternate(rounds, run, sides);
  if (process.env.BENCH_DEBUG) console.error(JSON.stringify({ clickToTokens: runs }, null, 1));
  const summary = {};
  for (const side of sides) {
    const ok = runs[side].filter((r) => r.ok && !r.error);
    const seg = (f) =>
      median(
        ok.map((r) => {
          try {
            return f(r);
          } catch {
            return NaN;
          }
        }),
      );
    summary[side] = {
      failed: runs[side].length - ok.length,
      n: ok.length,
      total: seg((r) => r.t1 - r.t0),
      toCallback: seg((r) => r.callback.html - r.t0),
      callbackToTokens: seg((r) => r.t1 - r.callback.html),
      callbackUsable: seg((r) => r.callback.usable - r.callback.html),
      callbackLoaded: seg((r) => Math.max(...r.callback.resources.map((x) => x.end)) - r.callback.html),
      callbackRun: seg((r) => r.callback.usable - Math.max(...r.callback.resources.map((x) => x.end))),
      callbackResources:
        ok.at(-1)?.callback?.resources.map((x) => ({ path: x.path, cached: x.bytes === 0, ms: x.end - x.start })) || [],
      handOff: seg((r) => r.token.start - r.callback.usable),
      token: seg((r) => r.t1 - r.token.start),
    };
  }
  return summary;
}

async function flowRound(browser, origin, side, tokenEndpoint) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(side === 'preload' ? `${origin}/flow-ours.html?preload` : `${origin}/flow-${side}.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 });
    const authorizeUrls = [];
    context.on('request', (req) => {
      if (req.url().startsWith(`${new URL(tokenEndpoint).origin}/auth?`)) authorizeUrls.push(req.url());
    });
    const result = page.waitForEvent('console', { predicate: (m) => m.text() === 'bench:result', timeout: 30_000 });
    result.catch(() => {});
    const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), page.click('#go')]);
    await login(popup);
    await result;
    // The callback page's marks travel through localStorage, which may reach this page a moment later.
    await page
      .waitForFunction(() => window.result.error || localStorage.getItem('bench:callback'), null, { timeout: 5_000 })
      .catch(() => {}); // without them only the segments are missing
    const r = await page.evaluate((ep) => {
      const token = performance
        .getEntriesByName(ep)
        .filter((e) => e.initiatorType === 'fetch')
        .at(-1);
      return {
        ...window.result,
        callback: JSON.parse(localStorage.getItem('bench:callback') || 'null'),
        token: token
          ? { start: performance.timeOrigin + token.startTime, end: performance.timeOrigin + token.responseEnd }
          : null,
      };
    }, tokenEndpoint);
    r.authorize = authorizeUrls[0] && [...new URL(authorizeUrls[0]).searchParams.keys()].join(',');
    return r;
  } finally {
    await context.close();
  }
}
