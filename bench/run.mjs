// `make bench`, the bench's runner: figures, not assertions. Loads the built package (env
// BENCH_PKG, default pkg/) in headless Chromium (popup blocker on) and prints
//   - our own figures: wasm start-up, the synchronous cost of connect() inside a click (the
//     popup blocker's budget), a full auto-approved Vendo round trip, the pure helpers;
//   - side by side with oidc-client-ts (pinned, bundled with esbuild at bench time into
//     target/bench/): start-up on a throttled phone profile, and click → tokens in hand
//     against the same local oidc-provider (www/stand-ins/oidc.mjs), with the ratio ours/peer, and
//     against the floor: the same flow's steps in plain JS with no SDK (bench/public/plain.js).
// Env: BENCH_ROUNDS (own figures, 20), BENCH_PEER_ROUNDS (side by side, 7), BENCH_DEBUG=1 (every
// round's raw data as JSON on stderr).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/e2e/harness.mjs';
import { startServers } from '../www/server.mjs';
import { startOidc, CLIENT_ID } from '../www/stand-ins/oidc.mjs';
import { startStatic } from './static.mjs';
import { buildPeer } from './peer.mjs';
import { startUp, clickToTokens, median, PHONE } from './compare.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PKG = path.resolve(root, process.env.BENCH_PKG || 'pkg');
const ROUNDS = Number(process.env.BENCH_ROUNDS || 20);
const PEER_ROUNDS = Number(process.env.BENCH_PEER_ROUNDS || 7);
if (!existsSync(path.join(PKG, 'index.js'))) {
  console.error(`bench: no built package in ${PKG} (run \`make pkg\`, or set BENCH_PKG)`);
  process.exit(1);
}

const cleanup = [];
const closeAll = async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
};
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    interrupted = true;
    closeAll().finally(() => process.exit(130));
  });

try {
  const versions = await buildPeer(path.join(root, 'target', 'bench', 'peer'));
  const servers = await startServers({ demoPort: 0, vendoPort: 0, providerPort: 0, oidcPort: 0 });
  cleanup.push(() => servers.close());
  const config = {};
  const web = await startStatic({ pkgDir: PKG, peerDir: path.join(root, 'target', 'bench', 'peer'), config });
  cleanup.push(() => web.close());
  // The same oidc-provider set-up as startServers' (www/stand-ins/oidc.mjs), registered for the bench's
  // own callback pages (startServers' instance only knows the demo's callback.html).
  const oursCallback = `${web.origin}/cb-ours.html`;
  const peerCallback = `${web.origin}/cb-peer.html`;
  const plainCallback = `${web.origin}/cb-plain.html`;
  const oidc = await startOidc({
    port: 0,
    redirectUris: [oursCallback, `${oursCallback}?preload`, peerCallback, plainCallback],
    origins: [web.origin],
  });
  cleanup.push(() => oidc.close());
  const metadata = await (await fetch(`${oidc.issuer}/.well-known/openid-configuration`)).json();
  const scope = 'openid offline_access';
  web.setConfig({
    issuer: oidc.issuer,
    clientId: CLIENT_ID,
    scope,
    oursCallback,
    plainCallback,
    authorizationEndpoint: oidc.authorizationEndpoint,
    tokenEndpoint: oidc.tokenEndpoint,
    // Given the server's metadata, like ours is given its endpoints: no discovery request at click time.
    peerSettings: {
      authority: oidc.issuer,
      client_id: CLIENT_ID,
      redirect_uri: peerCallback,
      response_type: 'code',
      scope,
      metadata,
    },
  });
  const browser = await launchBrowser();
  cleanup.push(() => browser.close());

  // ---- our own figures -------------------------------------------------------------------
  const page = await browser.newPage();
  await page.goto(`${web.origin}/harness.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
  const startup = [];
  for (let i = 0; i < 10; i++) {
    startup.push(
      await page.evaluate(async () => {
        const t = performance.now();
        const m = await import(`/pkg/index.js?fresh=${Math.random()}`).catch(() => null);
        if (!m) return NaN;
        await (typeof m.ready === 'function' ? m.ready() : m.default());
        return performance.now() - t;
      }),
    );
  }
  const base = `${servers.vendoOrigin}/sim/auto_approve`;
  await page.evaluate(() => {
    window.timings = [];
  });
  const sync = [];
  const roundTrip = [];
  for (let i = 0; i < ROUNDS; i++) {
    await page.evaluate((b) => {
      window.__action = () => {
        const t0 = performance.now();
        const p = window.sdk.connect({ baseUrl: b, provider: 'notion' });
        const t1 = performance.now();
        window.timings.push({ sync: t1 - t0 });
        p.then(() => {
          window.timings.at(-1).total = performance.now() - t0;
        });
      };
    }, base);
    await Promise.all([page.waitForEvent('popup'), page.click('#go')]);
    await page.waitForFunction((n) => window.timings.length === n && window.timings.at(-1).total !== undefined, i + 1, {
      timeout: 15_000,
    });
  }
  for (const t of await page.evaluate(() => window.timings)) {
    sync.push(t.sync);
    roundTrip.push(t.total);
  }
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
    const rate = (f) => {
      const n = 2000;
      const t = performance.now();
      for (let i = 0; i < n; i++) f();
      return Math.round(n / ((performance.now() - t) / 1000));
    };
    const msg = {
      type: 'vendo:oauth:done',
      provider: 'notion',
      connection_id: 'c',
      external_id: 'e',
      display_name: 'd',
      return_url: null,
    };
    return {
      generatePkce: rate(() => generatePkce()),
      parseVendoMessage: rate(() => parseVendoMessage(msg)),
      parseCallbackUrl: rate(() => parseCallbackUrl('https://app.example/cb?code=abc&state=def&iss=https%3A%2F%2Fas')),
    };
  });
  await page.close();
  console.log(`package: ${PKG}`);
  console.log(`wasm start-up (import + init), median of 10:        ${median(startup).toFixed(1)} ms`);
  console.log(
    `connect() synchronous part (click → popup open), median of ${ROUNDS}: ${median(sync).toFixed(2)} ms (max ${Math.max(...sync).toFixed(2)} ms)`,
  );
  console.log(`bare window.open in a click (baseline), median of 10: ${median(bare).toFixed(2)} ms`);
  console.log(`auto-approved Vendo round trip, median of ${ROUNDS}:        ${median(roundTrip).toFixed(0)} ms`);
  for (const [k, v] of Object.entries(helpers)) console.log(`${k.padEnd(20)} ${v.toLocaleString('en')} calls/s`);

  // ---- side by side with the peer ---------------------------------------------------------
  const start = await startUp({ browser, origin: web.origin, rounds: PEER_ROUNDS });
  const flow = await clickToTokens({
    browser,
    origin: web.origin,
    tokenEndpoint: oidc.tokenEndpoint,
    rounds: PEER_ROUNDS,
  });

  const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'n/a');
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a');
  const row = (label, a, b) =>
    console.log(`${label.padEnd(50)} ${ms(a).padStart(9)} ${ms(b).padStart(16)} ${ratio(a, b).padStart(10)}`);
  const kb = (rs) => rs.reduce((s, r) => s + r.bytes, 0) / 1024;
  console.log('');
  console.log(
    `side by side with ${versions.peer} (esbuild ${versions.esbuild} bundle, minified); gzip -9 on the wire; medians`,
  );
  console.log(`${''.padEnd(50)} ${'ours'.padStart(9)} ${'oidc-client-ts'.padStart(16)} ${'ours/peer'.padStart(10)}`);
  row(`start-up, phone profile, n=${PEER_ROUNDS} (nav start → usable)`, start.ours.median, start.peer.median);
  row('  ours with <link rel=preload> for the wasm', start.preload.median, start.peer.median);
  console.log(
    `  profile: ${PHONE.network.latency} ms latency, ${(PHONE.network.downloadThroughput * 8) / 1e6} Mbit/s down, ${(PHONE.network.uploadThroughput * 8) / 1e3} kbit/s up, CPU ×${PHONE.cpu}, cache disabled, fresh context per round`,
  );
  for (const side of ['ours', 'preload', 'peer']) {
    const t = start[side].typical;
    const steps = t.resources.map(
      (r) => `${path.basename(r.path)} ${r.start.toFixed(0)}→${r.end.toFixed(0)} (${(r.bytes / 1024).toFixed(1)} KB)`,
    );
    console.log(
      `  ${side} (round nearest the median, ms from nav start): html →${t.html.toFixed(0)}, ${steps.join(', ')}, usable ${t.usable.toFixed(0)}; ${kb(t.resources).toFixed(1)} KB over the wire after the html`,
    );
  }
  const n = Math.min(flow.ours.n, flow.peer.n);
  row(`click → tokens in hand, oidc-provider, n=${n}`, flow.ours.total, flow.peer.total);
  row('  click → callback html (popup, login, consent)', flow.ours.toCallback, flow.peer.toCallback);
  row('  callback html → tokens in hand', flow.ours.callbackToTokens, flow.peer.callbackToTokens);
  row('    callback html → SDK usable on the callback', flow.ours.callbackUsable, flow.peer.callbackUsable);
  row('      html → its scripts (and wasm) loaded', flow.ours.callbackLoaded, flow.peer.callbackLoaded);
  row('      loaded → evaluated (and wasm instantiated)', flow.ours.callbackRun, flow.peer.callbackRun);
  row('    SDK usable there → token request sent', flow.ours.handOff, flow.peer.handOff);
  row('    token request sent → tokens in hand', flow.ours.token, flow.peer.token);
  row('  ours, callback page preloads: click → tokens', flow.preload.total, flow.peer.total);
  row('    callback html → tokens in hand', flow.preload.callbackToTokens, flow.peer.callbackToTokens);
  row('      callback html → SDK usable on the callback', flow.preload.callbackUsable, flow.peer.callbackUsable);
  console.log(
    `${'  the floor: our flow in plain JS, no SDK (plain.js)'.padEnd(50)} ${'ours'.padStart(9)} ${'plain JS'.padStart(16)} ${'ours/plain'.padStart(10)}`,
  );
  row('  click → tokens in hand', flow.ours.total, flow.plain.total);
  row('    callback html → tokens in hand', flow.ours.callbackToTokens, flow.plain.callbackToTokens);
  row(
    '    the same, ours with the callback page preloading',
    flow.preload.callbackToTokens,
    flow.plain.callbackToTokens,
  );
  row('      callback html → script usable on the callback', flow.ours.callbackUsable, flow.plain.callbackUsable);
  row('      usable there → token request sent', flow.ours.handOff, flow.plain.handOff);
  console.log(
    `  plain JS against oidc-client-ts: click → tokens ${ratio(flow.plain.total, flow.peer.total)}, callback html → tokens ${ratio(flow.plain.callbackToTokens, flow.peer.callbackToTokens)}`,
  );
  for (const side of ['ours', 'preload', 'peer', 'plain']) {
    const rs = flow[side].callbackResources.map(
      (r) => `${path.basename(r.path)} ${r.cached ? 'from cache' : 'from network'} ${r.ms.toFixed(0)} ms`,
    );
    console.log(`  ${side}: the callback page loads ${rs.join(', ')}`);
  }
  console.log('  (each line is its own median; fresh browser context per round, so login + consent every time;');
  console.log('   scripts and wasm cacheable, so the callback page finds them in the HTTP cache)');
  for (const side of ['ours', 'preload', 'peer', 'plain'])
    if (flow[side].failed)
      console.log(`  ${side}: ${flow[side].failed} of ${flow[side].failed + flow[side].n} flows failed`);
} catch (err) {
  if (!interrupted) throw err; // an interruption closes the browser under the run: not an error of its own
} finally {
  await closeAll();
}
