// Every code block of the npm page (pkg-template/README.md) runs, or is the exact line a test
// uses. Each block is preceded by `<!-- test: NAME -->`; a block without one fails the suite.
// JS blocks run as written, with 'vendo-connect' resolved to the built package and the
// example hosts (vendo.example, auth.example) pointed at the local servers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { closed, CHROMIUM } from './harness.mjs';
import { setup, login } from './support.mjs';
import { CLIENT_ID, startOidc } from '../../www/stand-ins/oidc.mjs';

const readme = readFileSync(new URL('../../pkg-template/README.md', import.meta.url), 'utf8');
const blocks = new Map();
const unmarked = [];
for (const m of readme.matchAll(/(?:<!-- test: ([\w-]+) -->\n)?```(\w*)\n([\s\S]*?)```/g)) {
  if (!m[1]) unmarked.push(m[3].split('\n')[0]);
  else blocks.set(m[1], { lang: m[2], code: m[3].trimEnd() });
}
const covered = new Set();
const block = (name) => {
  covered.add(name);
  const b = blocks.get(name);
  assert.ok(b, `the README has no block marked "test: ${name}"`);
  return b.code;
};

let ctx;
let app; // the README's app: its pages, the package, its callback page and its backend
let oidc; // an OAuth server that knows the app's callback page
let page0; // what the app's page holds: { buttons, code, csp, head }

/** The block as the page runs it: the package from /pkg/, the example hosts local. */
const localize = (code) =>
  code
    .replaceAll("'vendo-connect'", "'/pkg/index.js'")
    .replaceAll('https://vendo.example', ctx.servers.vendoOrigin)
    .replaceAll('https://auth.example/authorize', oidc.authorizationEndpoint)
    .replaceAll('https://auth.example/token', oidc.tokenEndpoint)
    .replaceAll('https://auth.example', oidc.issuer)
    .replaceAll("'my-spa'", JSON.stringify(CLIENT_ID));

before(async () => {
  ctx = await setup();
  const pkg = new URL('../../pkg/', import.meta.url);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (type, body, extra = {}) => {
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra };
      if (page0?.csp) headers['Content-Security-Policy'] = page0.csp;
      res.writeHead(200, headers);
      res.end(body);
    };
    try {
      if (url.pathname.startsWith('/pkg/')) {
        const wasm = url.pathname.endsWith('.wasm');
        return send(wasm ? 'application/wasm' : 'text/javascript', await readFile(new URL(url.pathname.slice(5), pkg)));
      }
      if (url.pathname === '/readme/show.js')
        return send('text/javascript', 'window.shown = []; window.show = (t) => window.shown.push(String(t));');
      if (url.pathname === '/readme/app.js') return send('text/javascript', localize(page0.code));
      if (url.pathname === '/readme/index.html') {
        return send(
          'text/html',
          `<!doctype html><meta charset="utf-8">${page0.head ?? ''}${page0.buttons.map((id) => `<button id="${id}">${id}</button>`).join('')}
          <script src="/readme/show.js"></script><script type="module" src="/readme/app.js"></script>`,
        );
      }
      if (url.pathname === '/callback.html') {
        return send(
          'text/html',
          `<!doctype html><meta charset="utf-8"><script src="/readme/show.js"></script>${localize(block('callback'))}`,
        );
      }
      if (url.pathname === '/api/connect-link') {
        // The app's backend: mints a link at the Vocobase stand-in for the redirect URI it is given.
        const minted = await fetch(`${ctx.servers.providerOrigin}/vocobase/api/v2/customers/cust_1/connect-links`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tool_slug: 'google_sheets', redirect_uri: url.searchParams.get('redirect_uri') }),
        });
        return send('application/json', JSON.stringify({ url: (await minted.json()).url }));
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  app = { server, origin: `http://localhost:${server.address().port}` };
  oidc = await startOidc({ redirectUris: [`${app.origin}/callback.html`], origins: [app.origin] });
});
after(async () => {
  await oidc?.close();
  await new Promise((r) => (app ? app.server.close(r) : r()));
  await ctx?.close();
});

/** Opens the app's page running `code` (an external module, so a strict CSP can apply). */
async function appPage(spec, contextOptions = {}) {
  page0 = spec;
  const context = await ctx.browser.newContext(contextOptions);
  const page = await context.newPage();
  if (process.env.README_DEBUG) {
    context.on('page', (p) => p.on('console', (m) => console.error('popup:', m.text())));
    page.on('console', (m) => console.error('page:', m.text()));
    page.on('pageerror', (e) => console.error('pageerror:', e.message));
  }
  await page.goto(`${app.origin}/readme/index.html`);
  return { page, context };
}

test('every code block is marked with the test that runs it', () => {
  assert.deepEqual(unmarked, [], 'blocks without a <!-- test: … --> marker');
});

test('install: the package is installed by name', () => {
  assert.equal(block('install'), 'npm install vendo-connect');
});

test('quick start: connect() from a click, under the CSP the README gives', async () => {
  const csp = block('csp').replace(/^Content-Security-Policy: /, '');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  const { page, context } = await appPage({ buttons: ['connect-notion'], code: block('connect'), csp });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-notion')]);
  await popup.click('#approve');
  await page.waitForFunction(() => window.shown.length === 1, null, { timeout: 15_000 });
  assert.match((await page.evaluate(() => window.shown))[0], /^Connected .+ \([0-9a-f-]{36}\)$/);
  await closed(popup);
  await context.close();
});

test('authorize + exchangeCode, with the callback page of the README', async () => {
  const { page, context } = await appPage({ buttons: ['sign-in'], code: block('authorize') });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#sign-in')]);
  await login(popup);
  await page.waitForFunction(() => window.shown.length === 1, null, { timeout: 20_000 });
  assert.match((await page.evaluate(() => window.shown))[0], /^Signed in; the access token expires at \d{4}-/);
  await closed(popup);
  await context.close();
});

test('same tab: mode auto in an in-app browser leaves the tab, and the README callback page exchanges the code', async () => {
  const userAgent =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.40.113';
  const { page, context } = await appPage({ buttons: ['sign-in'], code: block('same-tab') }, { userAgent });
  let popups = 0;
  context.on('page', () => {
    popups += 1;
  });
  await page.click('#sign-in');
  await login(page);
  await page.waitForURL((u) => u.pathname === '/callback.html', { timeout: 15_000 });
  await page.waitForFunction(() => window.shown?.length === 1, null, { timeout: 15_000 });
  assert.deepEqual(await page.evaluate(() => window.shown), [
    'Signed in in this tab; the app was at /readme/index.html',
  ]);
  assert.equal(popups, 0);
  assert.equal(page.url(), `${app.origin}/callback.html`, 'the code is gone from the address bar');
  await context.close();
});

test('same tab block, on a desktop browser: a popup', async () => {
  const { page, context } = await appPage({ buttons: ['sign-in'], code: block('same-tab') });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#sign-in')]);
  await login(popup);
  await page.waitForFunction(() => window.shown.length === 1, null, { timeout: 20_000 });
  assert.match((await page.evaluate(() => window.shown))[0], /^Signed in in a popup \(code \d+ chars\)$/);
  await closed(popup);
  await context.close();
});

test('openConnectLink with a link minted by the app backend', async () => {
  const { page, context } = await appPage({ buttons: ['connect-sheets'], code: block('link') });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-sheets')]);
  await popup.click('#approve');
  await page.waitForFunction(() => window.shown.length === 1, null, { timeout: 15_000 });
  assert.match((await page.evaluate(() => window.shown))[0], /^Connected google_sheets \(.+\)$/);
  await context.close();
});

test('preload: the wasm is fetched once, in parallel with the module', async () => {
  const head = block('preload').replaceAll('/node_modules/vendo-connect/', '/pkg/');
  const { page, context } = await appPage({ buttons: ['connect-notion'], code: block('connect'), head });
  await page.evaluate(() => import('/pkg/index.js').then((m) => m.ready()));
  const fetched = await page.evaluate(
    () => performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm')).length,
  );
  assert.equal(fetched, 1, 'the preloaded wasm is the one the module uses');
  await context.close();
});

test('Node: ready() and a pure helper, as the README shows', () => {
  const code = block('node').replaceAll(
    "'vendo-connect'",
    JSON.stringify(new URL('../../pkg/index.js', import.meta.url).href),
  );
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `const show = (t) => console.log(t);\n${code}`],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout.trim(), /^S256 [A-Za-z0-9_-]{43}$/);
});

test('the import map, the preload recipes, the React example and the Vitest block are the ones the consumer, React and Vitest tests use', () => {
  const file = (p) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
  // The lines of a block but its comments, each found verbatim (trimmed) in `p`.
  const code = (name) =>
    block(name)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('//'));
  const has = (p, lines) => {
    for (const line of lines) assert.ok(file(p).includes(line), `${p} does not have the README's line: ${line}`);
  };
  // tests/e2e/consumers.test.mjs checks that each recipe's page fetches the wasm once, by its link.
  has(
    'tests/consumers/vite8/preload/index.html',
    code('preload-vite').map((l) => l.replace('./node_modules/', '../../node_modules/')),
  );
  has('tests/consumers/webpack/webpack.config.js', code('preload-webpack'));
  const [server, client] = code('preload-next');
  has('tests/consumers/next/app/preload/page.js', [server]);
  has('tests/consumers/next/app/preload/connect.js', [client]);
  // No bundler needs a line (tests/e2e/consumers.test.mjs builds every setup without one).
  assert.ok(file('tests/consumers/importmap/index.html').includes(block('importmap')), 'the import map, verbatim');
  assert.ok(
    file('tests/react/src/ConnectNotion.tsx').includes(block('react')),
    'the React example is the app the React test clicks through',
  );
  assert.ok(
    file('examples/vitest-browser/test/app.test.js').includes(block('vitest-browser')),
    'the Vitest browser mode block is the example suite make test runs',
  );
});

test('the TypeScript blocks type-check under tsc --strict with the settings of a Next.js app', () => {
  const typed = [...blocks].filter(([, b]) => b.lang === 'ts' || b.lang === 'tsx');
  assert.ok(
    typed.some(([name]) => name === 'react'),
    'the React block is TSX',
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'readme-types-'));
  try {
    const files = typed.map(([name, b]) => {
      covered.add(name);
      const file = path.join(dir, `${name}.${b.lang}`);
      writeFileSync(file, `${b.code}\n`);
      return file;
    });
    const tsc = fileURLToPath(new URL('../../node_modules/.bin/tsc', import.meta.url));
    const next = fileURLToPath(new URL('../types/tsconfig.next.json', import.meta.url));
    // Next.js 16 (react-jsx), then Next.js 15 (preserve).
    for (const jsx of [{}, { jsx: 'preserve', jsxImportSource: 'react' }]) {
      const config = path.join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({ extends: next, compilerOptions: jsx, files }));
      const run = spawnSync(tsc, ['-p', config, '--pretty', 'false'], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, `tsc (${JSON.stringify(jsx)}) refused a README block:\n${run.stdout}${run.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('testing: the README suite passes against the connect-app example, with the kit of the installed tarball', async () => {
  // It runs as written inside examples/connect-app (so `vendo-connect/testing` and
  // `playwright-core` are that app's installed packages), with the app's origin and Debian's
  // Chromium put in (the README's launch uses Playwright's own browser).
  const dir = new URL('../../examples/connect-app/', import.meta.url);
  assert.ok(
    existsSync(new URL('node_modules/vendo-connect/testing.js', dir)),
    'examples/connect-app is not installed: bash scripts/build-connect-app.sh',
  );
  const { startApp } = await import(new URL('server.mjs', dir));
  const exampleApp = await startApp({ port: 0 });
  const file = new URL('readme-suite.test.mjs', dir);
  try {
    const launch = "chromium.launch({ ignoreDefaultArgs: ['--disable-popup-blocking'] })";
    const code = block('testing');
    assert.ok(code.includes(launch), 'the README launches Chromium with the popup blocker on');
    writeFileSync(
      file,
      code
        .replaceAll('http://localhost:5173', exampleApp.origin)
        .replace(
          launch,
          `chromium.launch({ ignoreDefaultArgs: ['--disable-popup-blocking'], executablePath: ${JSON.stringify(CHROMIUM)}, args: ['--no-sandbox', '--disable-gpu'] })`,
        ),
    );
    // Asynchronous: this process serves the app meanwhile. A runner of its own, not a child
    // of this one (node:test marks its children with NODE_TEST_CONTEXT).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(process.execPath, ['--test', file.pathname], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const status = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    assert.equal(status, 0, out);
    assert.match(out, /^# pass 3$/m, out);
    assert.match(out, /^# fail 0$/m, out);
  } finally {
    if (existsSync(file)) unlinkSync(file);
    await exampleApp.close();
  }
});

test('no block is left untested', () => {
  assert.deepEqual([...blocks.keys()].filter((k) => !covered.has(k)).sort(), []);
});
