// The package as users consume it: every setup of tests/consumers/, installed from the packed
// tarball and built by scripts/build-consumers.sh with zero configuration for vendo-connect,
// does a real connect() against the local Vendo server in Chromium with the popup blocker on:
// click, approve in the popup, the page shows the connection id. Production builds and dev
// servers alike, in one browser. Each page load records how the wasm arrived: the file
// (`vendo_connect_bg.wasm`, 200 application/wasm) or its JS copy (`vendo_connect_wasm.js`,
// docs/architecture.md#loading); where the file arrives, the copy must not be downloaded.
// Production builds also record the JS + wasm the page downloads (gzip -9), written to
// target/consumers/costs.json. Next.js also runs ready() and the helpers in a Server Component
// and a route handler; plain Node 20 and 22 do the same from the tarball.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, closed } from './harness.mjs';
import { startServers } from '../../www/server.mjs';
import { listen, close, send } from '../../www/http.mjs';

const consumers = fileURLToPath(new URL('../consumers/', import.meta.url));
const BUILD = 'run scripts/build-consumers.sh';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
  '.css': 'text/css',
};
// The start of the wasm in base64 ("\0asm", version 1): what marks its JS copy in any chunk.
const COPY_MARK = 'AGFzbQEAAAAB';
const NODE24 = path.join(consumers, 'tools/node_modules/node24/bin/node');
const NODE22 = path.join(consumers, 'tools/node_modules/node22/bin/node');

let servers;
let browser;
let dev;
const toClose = [];
const costs = {};

before(async () => {
  assert.ok(
    existsSync(path.join(consumers, 'node_modules/vendo-connect/index.js')),
    `tests/consumers has no vendo-connect installed: ${BUILD}`,
  );
  dev = await import(pathToFileURL(path.join(consumers, 'dev-server.mjs')).href);
  servers = await startServers({ demoPort: 0, vendoPort: 0, providerPort: 0, oidcPort: 0 });
  browser = await launchBrowser();
});

after(async () => {
  // Everything started here stops, whatever failed: the browser, the app servers, Vendo.
  await browser?.close().catch(() => {});
  for (const c of toClose.reverse()) await c().catch(() => {});
  await servers?.close().catch(() => {});
  const out = fileURLToPath(new URL('../../target/consumers/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'costs.json'), `${JSON.stringify(costs, null, 2)}\n`);
});

/**
 * A built app's folder as static files on its own origin; `.wasm` as application/wasm. Files
 * whose path matches `missing` answer 404 (a deploy that left them out).
 */
async function serve(dir, { missing } = {}) {
  const root = path.join(consumers, dir);
  assert.ok(existsSync(path.join(root, 'index.html')), `tests/consumers/${dir} is not built: ${BUILD}`);
  const server = await listen(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://app.local').pathname);
    const file = path.join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(root + path.sep)) return send(res, 403, 'forbidden');
    try {
      if (missing?.test(pathname) || !(await stat(file)).isFile()) return send(res, 404, 'not found');
      return send(res, 200, await readFile(file), {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      });
    } catch {
      return send(res, 404, 'not found');
    }
  }, 0);
  const stop = () => close(server);
  toClose.push(stop);
  return { origin: `http://127.0.0.1:${server.address().port}`, close: stop };
}

/** Runs `use(origin)` against a server, then stops it. */
async function using(started, use) {
  const s = await started;
  let stopped;
  const stop = () => (stopped ??= s.close());
  toClose.push(stop);
  try {
    return await use(s.origin);
  } finally {
    await stop();
  }
}

/**
 * Opens the app (at `path`), waits for its wasm, clicks Connect, approves in the popup; checks
 * that the wasm arrived as `expected` ('file' or 'copy') and returns what the page downloaded,
 * with the wasm's resource timing entries (`[url, initiatorType]`).
 */
async function connectThrough(origin, expected, { path = '/' } = {}) {
  const page = await browser.newPage();
  const problems = [];
  const responses = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => responses.push(r));
  try {
    await page.goto(`${origin}${path}?vendo=${encodeURIComponent(servers.vendoOrigin)}`, { timeout: 120_000 });
    await page
      .waitForFunction(() => !['loading', ''].includes(document.getElementById('status')?.textContent ?? ''), null, {
        timeout: 120_000,
      })
      .catch(() => {});
    const status = await page.textContent('#status');
    const wasmEntries = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => r.name.endsWith('.wasm'))
        .map((r) => [r.name, r.initiatorType]),
    );
    // What arrived: every JS and wasm response of the app's origin, its body and gzip -9 size.
    const fetched = [];
    for (const r of responses) {
      const url = new URL(r.url());
      if (url.origin !== origin || !/javascript|wasm/.test(r.headers()['content-type'] ?? '')) continue;
      const body = await r.body().catch(() => Buffer.alloc(0));
      fetched.push({
        url: url.pathname,
        status: r.status(),
        type: r.headers()['content-type'],
        gz: gzipSync(body, { level: 9 }).length,
        copy: body.includes(COPY_MARK),
      });
    }
    const wasmMisses = responses
      .filter(
        (r) =>
          /vendo_connect_bg[^/]*\.wasm|\.wasm$/.test(new URL(r.url()).pathname) &&
          r.headers()['content-type'] !== 'application/wasm',
      )
      .map((r) => `${new URL(r.url()).pathname} ${r.status()} ${r.headers()['content-type']}`);
    const summary = `fetched: ${JSON.stringify(fetched.map(({ url, status, copy }) => ({ url, status, copy })))}; wasm misses: ${wasmMisses}`;
    assert.equal(status, 'ready', `the wasm did not load: ${status}\n${summary}\n${problems.join('\n')}`);
    const file = fetched.some((f) => f.status === 200 && f.type === 'application/wasm');
    const copy = fetched.some((f) => f.copy);
    assert.equal(file || copy, true, `neither the wasm nor its copy arrived: ${summary}`);
    assert.equal(file && copy, false, `the wasm arrived, and its copy was downloaded as well: ${summary}`);
    assert.equal(file ? 'file' : 'copy', expected, summary);

    // A real click (a user gesture): the popup opens inside it, past the popup blocker.
    const [popup] = await Promise.all([page.waitForEvent('popup', { timeout: 5_000 }), page.click('#connect')]);
    await popup.click('#approve');
    await page.waitForFunction(
      () => document.getElementById('connection-id').textContent || document.getElementById('error').textContent,
      null,
      { timeout: 15_000 },
    );
    const connectionId = await page.textContent('#connection-id');
    const error = await page.textContent('#error');
    assert.match(connectionId, /^[0-9a-f-]{36}$/, `no connection; error: ${error}\n${problems.join('\n')}`);
    await closed(popup, 5_000);
    const log = await (await fetch(`${servers.vendoOrigin}/__test/log`)).json();
    assert.ok(
      log.acks.some((a) => a.connection_id === connectionId),
      'the popup received the ack',
    );
    assert.ok(
      log.requests.some((q) => q.includes(`opener_origin=${encodeURIComponent(origin)}`)),
      `no authorize request from ${origin}`,
    );
    return { fetched, how: file ? 'file' : 'copy', wasmMisses, wasmEntries };
  } finally {
    await page.close();
  }
}

/** What a production build's page downloaded, for the README (target/consumers/costs.json). */
const record = (name, { fetched, how }) => {
  costs[name] = {
    how,
    js: fetched.filter((f) => !/wasm/.test(f.type)).reduce((n, f) => n + f.gz, 0),
    wasm: fetched.filter((f) => /wasm/.test(f.type)).reduce((n, f) => n + f.gz, 0),
  };
  costs[name].total = costs[name].js + costs[name].wasm;
};

// Production builds served as static files: [name, folder, how the wasm arrives].
const BUILT = [
  ['Vite 5, production build', 'vite5/dist', 'file'],
  ['Vite 6, production build', 'vite6/dist', 'file'],
  ['Vite 7, production build', 'vite7/dist', 'file'],
  ['Vite 8, production build', 'vite8/dist', 'file'],
  ['webpack 5', 'webpack/dist', 'file'],
  // esbuild and Rollup emit no assets: the copy, inlined by esbuild, a chunk of Rollup's.
  ['esbuild', 'esbuild/dist', 'copy'],
  ['Rollup + @rollup/plugin-node-resolve', 'rollup/dist', 'copy'],
  ['Parcel 2, production build', 'parcel/dist', 'file'],
  ['a plain <script type="module"> page with an import map', 'importmap/dist', 'file'],
  ['TypeScript 5 --strict (tsc, then esbuild)', 'typescript/dist', 'copy'],
  ['Vue 3 (Vite 7), production build', 'frameworks/vue/dist', 'file'],
  ['React 19 (Vite 7), production build', 'frameworks/react/dist', 'file'],
  ['SvelteKit 2, production build (adapter-static)', 'frameworks/sveltekit/build', 'file'],
  ['the latest SvelteKit, production build (adapter-static)', 'sveltekit-latest/build', 'file'],
  ['Astro 5, production build', 'frameworks/astro/dist', 'file'],
  ['the latest Astro, production build', 'astro-latest/dist', 'file'],
];

for (const [name, dir, how] of BUILT) {
  test(`${name}: click, approve, connected (the wasm arrives as its ${how})`, async () => {
    record(name, await using(serve(dir), (origin) => connectThrough(origin, how)));
  });
}

test("Vite 8 with the npm README's preload recipe: the wasm is fetched once, by the page's preload link", async () => {
  await using(serve('vite8/preload/dist'), async (origin) => {
    const { wasmEntries } = await connectThrough(origin, 'file');
    assert.equal(wasmEntries.length, 1, JSON.stringify(wasmEntries));
    assert.match(wasmEntries[0][0], /\/assets\/vendo_connect_bg-[\w-]+\.wasm$/);
    assert.equal(wasmEntries[0][1], 'link');
  });
});

test("webpack 5 with the npm README's preload recipe: the wasm is fetched once, by the page's preload link", async () => {
  await using(serve('webpack/preload/dist'), async (origin) => {
    const { wasmEntries } = await connectThrough(origin, 'file');
    assert.deepEqual(wasmEntries, [[`${origin}/vendo_connect_bg.wasm`, 'link']]);
  });
});

test('a Vite 8 build deployed without its wasm: load_failed names the missing file and what to serve', async () => {
  await using(serve('vite8/dist', { missing: /\.wasm$/ }), async (origin) => {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      await page.waitForFunction(() => document.getElementById('status').textContent !== 'loading');
      const status = await page.textContent('#status');
      assert.match(
        status,
        /^failed: ConnectError: load_failed: the server has neither the wasm nor its JS copy: serve the wasm your bundler emitted/,
      );
      assert.match(
        status,
        /\/assets\/vendo_connect_bg-[\w-]+\.wasm answered 404 .*; its JS copy, vendo_connect_wasm\.js: Error: a Vite build has none/,
      );
    } finally {
      await page.close();
    }
  });
});

// Dev servers: Vite 5-7 pre-bundle the package into node_modules/.vite/deps/ and leave the
// wasm behind (vitejs/vite#8427): the copy, with no configuration. Vite 8 rewrites the URL.
for (const [major, how] of [
  [5, 'copy'],
  [6, 'copy'],
  [7, 'copy'],
  [8, 'file'],
]) {
  test(`Vite ${major} dev server, no configuration: click, approve, connected (the wasm arrives as its ${how})`, async () => {
    const { wasmMisses } = await using(dev.startViteDev(major), (origin) => connectThrough(origin, how));
    if (how === 'copy')
      assert.ok(
        wasmMisses.some((m) => m.includes('/.vite/deps/')),
        `the wasm URL points into .vite/deps: ${wasmMisses}`,
      );
  });
}

const vite = (dir) => ({
  cwd: dir,
  clean: ['node_modules/.vite'],
  argv: (port) => [
    path.join(consumers, 'frameworks/node_modules/vite/bin/vite.js'),
    '--host',
    '127.0.0.1',
    '--port',
    `${port}`,
    '--strictPort',
    '--force',
  ],
});
// [name, server spec, how the wasm arrives]
const DEV = [
  ['Vue 3 (Vite 7) dev server', vite('frameworks/vue'), 'copy'],
  ['React 19 (Vite 7) dev server', vite('frameworks/react'), 'copy'],
  ['SvelteKit 2 (Vite 7) dev server', vite('frameworks/sveltekit'), 'copy'],
  [
    'the latest SvelteKit (Vite 8, Node 24) dev server',
    {
      cwd: 'sveltekit-latest',
      node: NODE24,
      clean: ['node_modules/.vite'],
      argv: (port) => [
        'node_modules/vite/bin/vite.js',
        '--host',
        '127.0.0.1',
        '--port',
        `${port}`,
        '--strictPort',
        '--force',
      ],
    },
    'file',
  ],
  [
    'Astro 5 (Vite 6) dev server',
    {
      cwd: 'frameworks/astro',
      clean: ['node_modules/.vite', '.astro'],
      argv: (port) => ['../node_modules/astro/astro.js', 'dev', '--host', '127.0.0.1', '--port', `${port}`],
    },
    'copy',
  ],
  [
    'the latest Astro (Vite 8, Node 24) dev server',
    {
      cwd: 'astro-latest',
      node: NODE24,
      clean: ['node_modules/.vite', '.astro'],
      argv: (port) => ['node_modules/astro/bin/astro.mjs', 'dev', '--host', '127.0.0.1', '--port', `${port}`],
    },
    'file',
  ],
  [
    'Parcel 2 dev server (parcel serve)',
    {
      cwd: '.',
      clean: ['parcel/dev-dist', 'parcel/.parcel-cache-dev'],
      argv: (port) => [
        'node_modules/parcel/lib/bin.js',
        'serve',
        'parcel/index.html',
        '--host',
        '127.0.0.1',
        '--port',
        `${port}`,
        '--dist-dir',
        'parcel/dev-dist',
        '--cache-dir',
        'parcel/.parcel-cache-dev',
        '--no-hmr',
      ],
    },
    'file',
  ],
  [
    'webpack 5 dev server (webpack serve, webpack-dev-server 5)',
    {
      cwd: '.',
      argv: (port) => [
        'node_modules/webpack-cli/bin/cli.js',
        'serve',
        '--config',
        'webpack/webpack.config.js',
        '--config-name',
        'app',
        '--mode',
        'development',
        '--host',
        '127.0.0.1',
        '--port',
        `${port}`,
      ],
    },
    'file',
  ],
];

// esbuild emits no wasm in serve mode either: the copy, inlined in the bundle.
test('esbuild serve (esbuild --serve), no configuration: click, approve, connected (the wasm arrives as its copy)', async () => {
  await using(dev.startEsbuildServe(), (origin) => connectThrough(origin, 'copy'));
});

for (const [name, spec, how] of DEV) {
  test(`${name}, no configuration: click, approve, connected (the wasm arrives as its ${how})`, async () => {
    await using(dev.startCommand(spec), (origin) => connectThrough(origin, how));
  });
}

/** The Next.js app's Server Component and route handler: ready() and the helpers on the server. */
async function serverSide(origin) {
  const page = await browser.newPage();
  try {
    await page.goto(origin);
    assert.equal(await page.textContent('#server'), '43 S256 unsupported_environment', 'the Server Component');
  } finally {
    await page.close();
  }
  const api = await fetch(`${origin}/api/ready`);
  assert.equal(api.status, 200);
  assert.deepEqual(await api.json(), { state: 43, pkce: 'S256', flow: 'unsupported_environment' }, 'the route handler');
}

const next = (args, distDir) => ({
  cwd: 'next',
  env: { NEXT_DIST_DIR: distDir },
  clean: distDir.includes('dev') ? [distDir] : [],
  argv: (port) => ['node_modules/next/dist/bin/next', ...args, '-p', `${port}`, '-H', '127.0.0.1'],
});
/** The app's /preload page (the npm README's recipe): the one wasm fetch is its preload link's. */
async function preloaded(origin) {
  const { wasmEntries } = await connectThrough(origin, 'file', { path: '/preload' });
  assert.deepEqual(wasmEntries, [[`${origin}/vendo_connect_bg.wasm`, 'link']], 'the preloaded wasm is the one loaded');
}
for (const bundler of ['webpack', 'turbopack']) {
  test(`Next.js 16 (${bundler}), next build + next start: Server Component and route handler await ready(); click, approve, connected; the preload recipe`, async () => {
    assert.ok(
      existsSync(path.join(consumers, `next/.next-${bundler}/BUILD_ID`)),
      `the Next.js ${bundler} build is missing: ${BUILD}`,
    );
    await using(dev.startCommand(next(['start'], `.next-${bundler}`)), async (origin) => {
      await serverSide(origin);
      record(`Next.js 16 (${bundler}), production build`, await connectThrough(origin, 'file'));
      await preloaded(origin);
    });
  });
  test(`Next.js 16 (${bundler}), next dev: Server Component and route handler await ready(); click, approve, connected; the preload recipe`, async () => {
    await using(dev.startCommand(next(['dev', `--${bundler}`], `.next-dev-${bundler}`)), async (origin) => {
      await serverSide(origin);
      await connectThrough(origin, 'file');
      await preloaded(origin);
    });
  });
}

test('plain Node 20 and 22, from the tarball: ready() and the helpers work; flows reject with unsupported_environment', () => {
  const script = `
    import { ready, generateState, generatePkce, connect } from 'vendo-connect';
    await ready();
    const flow = await connect({ baseUrl: 'https://vendo.example', provider: 'notion' }).then(() => 'resolved', (e) => e.code);
    console.log(JSON.stringify({ node: process.versions.node.split('.')[0], state: generateState().length, pkce: generatePkce().codeChallengeMethod, flow }));`;
  for (const [node, major] of [
    [process.execPath, process.versions.node.split('.')[0]],
    [NODE22, '22'],
  ]) {
    assert.ok(existsSync(node), `${node} is missing: ${BUILD}`);
    const run = spawnSync(node, ['--input-type=module', '-e', script], {
      cwd: consumers,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim()), {
      node: major,
      state: 43,
      pkce: 'S256',
      flow: 'unsupported_environment',
    });
  }
  assert.equal(process.versions.node.split('.')[0], '20', 'this suite runs on the machine Node, 20');
});
