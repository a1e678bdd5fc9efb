// `make bench`: figures, not assertions. Loads the built package in headless Chromium and
// measures wasm start-up, the synchronous cost of connect() inside a click (the popup
// blocker's budget), a full auto-approved Vendo round trip, and the pure helpers.
import { launchBrowser } from '../tests/e2e/harness.mjs';
import { harnessPage } from '../tests/e2e/support.mjs';
import { startServers } from '../www/server.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 20);
const servers = await startServers({ demoPort: 0, vendoPort: 0, providerPort: 0, oidcPort: 0 });
const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const page = await harnessPage({ servers, browser });
  const startup = [];
  for (let i = 0; i < 10; i++) {
    startup.push(await page.evaluate(async () => {
      const t = performance.now();
      const m = await import(`/pkg/index.js?fresh=${Math.random()}`).catch(() => null);
      if (!m) return NaN;
      await m.default();
      return performance.now() - t;
    }));
  }
  const base = `${servers.vendoOrigin}/sim/auto_approve`;
  await page.evaluate(() => { window.timings = []; });
  const sync = [];
  const roundTrip = [];
  for (let i = 0; i < ROUNDS; i++) {
    await page.evaluate((b) => {
      window.__action = () => {
        const t0 = performance.now();
        const p = window.sdk.connect({ baseUrl: b, provider: 'notion' });
        const t1 = performance.now();
        window.timings.push({ sync: t1 - t0 });
        p.then(() => { window.timings.at(-1).total = performance.now() - t0; });
      };
    }, base);
    await Promise.all([page.waitForEvent('popup'), page.click('#go')]);
    await page.waitForFunction((n) => window.timings.length === n && window.timings.at(-1).total !== undefined, i + 1, { timeout: 15_000 });
  }
  for (const t of await page.evaluate(() => window.timings)) { sync.push(t.sync); roundTrip.push(t.total); }
  // Baseline: a bare window.open of the same popup inside a click, no SDK.
  const bare = [];
  for (let i = 0; i < 10; i++) {
    await page.evaluate((b) => {
      window.__action = () => {
        const t0 = performance.now();
        const w = window.open(`${b}/api/oauth/notion/authorize`, '_blank', 'popup=yes,width=500,height=650');
        window.bare = performance.now() - t0;
        w?.close();
      };
    }, servers.vendoOrigin);
    await Promise.all([page.waitForEvent('popup'), page.click('#go')]);
    bare.push(await page.evaluate(() => window.bare));
  }
  const helpers = await page.evaluate(() => {
    const { generatePkce, parseVendoMessage, parseCallbackUrl } = window.sdk;
    const rate = (f) => { const n = 2000; const t = performance.now(); for (let i = 0; i < n; i++) f(); return Math.round(n / ((performance.now() - t) / 1000)); };
    const msg = { type: 'vendo:oauth:done', provider: 'notion', connection_id: 'c', external_id: 'e', display_name: 'd', return_url: null };
    return {
      generatePkce: rate(() => generatePkce()),
      parseVendoMessage: rate(() => parseVendoMessage(msg)),
      parseCallbackUrl: rate(() => parseCallbackUrl('https://app.example/cb?code=abc&state=def&iss=https%3A%2F%2Fas')),
    };
  });
  console.log(`wasm start-up (import + init), median of 10:        ${median(startup).toFixed(1)} ms`);
  console.log(`connect() synchronous part (click → popup open), median of ${ROUNDS}: ${median(sync).toFixed(2)} ms (max ${Math.max(...sync).toFixed(2)} ms)`);
  console.log(`bare window.open in a click (baseline), median of 10: ${median(bare).toFixed(2)} ms`);
  console.log(`auto-approved Vendo round trip, median of ${ROUNDS}:        ${median(roundTrip).toFixed(0)} ms`);
  for (const [k, v] of Object.entries(helpers)) console.log(`${k.padEnd(20)} ${v.toLocaleString('en')} calls/s`);
} finally {
  await browser.close();
  await servers.close();
}
