// The local servers behind `make demo` and the end-to-end tests, loopback only:
//   demo     http://localhost:8080   the demo app (demo/), the page the end-to-end tests drive
//                                    (harness/) and the built package under /pkg/
//   vendo    http://127.0.0.1:8081   the Vendo server (stand-ins/vendo.mjs), another origin
//   provider http://127.0.0.1:8082   Vendaze / Vocobase / Aimable / COOP stand-ins
//                                    (stand-ins/providers.mjs)
//   oidc     http://127.0.0.1:8083   a real OAuth 2.1 / OIDC server (stand-ins/oidc.mjs)
// Tests pass port 0 for each and read the origins back.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { close, listen, send } from './http.mjs';
import { vendoHandler } from './stand-ins/vendo.mjs';
import { providersHandler } from './stand-ins/providers.mjs';
import { startOidc } from './stand-ins/oidc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// Where each URL path is looked for, in order: the package, then the demo's pages, then the
// test harness's (both at the origin's root).
const ROOTS = [
  ['/pkg/', path.join(here, '..', 'pkg')],
  ['/', path.join(here, 'demo')],
  ['/', path.join(here, 'harness')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The headers a callback / redirect page should be sent with (docs/security.md#callback-page). */
export const REDIRECT_PAGE_HEADERS = { 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };

async function serveStatic(req, res) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://demo.local').pathname);
  } catch {
    return send(res, 400, 'bad path');
  }
  if (pathname === '/') pathname = '/index.html';
  // Every page here can be a redirect page: the headers docs/security.md#callback-page
  // recommends, so a response in the URL is neither cached nor sent on as a Referer.
  const headers = pathname.endsWith('.html') ? { ...REDIRECT_PAGE_HEADERS } : {};
  if (pathname === '/callback-coop.html') headers['Cross-Origin-Opener-Policy'] = 'same-origin';
  if (pathname === '/callback-coop.html') pathname = '/callback.html';
  if (pathname.includes('\0')) return send(res, 403, 'forbidden');
  for (const [mount, root] of ROOTS) {
    if (!pathname.startsWith(mount)) continue;
    const file = path.resolve(root, `.${pathname.slice(mount.length - 1)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, 'forbidden');
    const body = await stat(file)
      .then((s) => (s.isFile() ? readFile(file) : null))
      .catch(() => null);
    if (body)
      return send(res, 200, body, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        ...headers,
      });
  }
  return send(res, 404, 'not found');
}

export async function startServers({ demoPort = 8080, vendoPort = 8081, providerPort = 8082, oidcPort = 8083 } = {}) {
  // Listen first with placeholder handlers so that every origin is known before wiring.
  const handlers = {};
  const route = (name) => (req, res) => handlers[name](req, res);
  const demo = await listen(route('demo'), demoPort);
  const vendo = await listen(route('vendo'), vendoPort);
  const provider = await listen(route('provider'), providerPort);
  const demoOrigin = `http://localhost:${demo.address().port}`;
  const vendoOrigin = `http://127.0.0.1:${vendo.address().port}`;
  const providerOrigin = `http://127.0.0.1:${provider.address().port}`;
  handlers.demo = serveStatic;
  handlers.vendo = vendoHandler({ providerOrigin });
  handlers.provider = providersHandler({ demoOrigin });
  const oidc = await startOidc({
    port: oidcPort,
    // The popup callback pages, and the pages same-tab flows return to (the demo, the test harness).
    redirectUris: [
      `${demoOrigin}/callback.html`,
      `${demoOrigin}/callback-coop.html`,
      `${demoOrigin}/`,
      `${demoOrigin}/harness.html`,
    ],
    origins: [demoOrigin],
  });
  return {
    demoOrigin,
    vendoOrigin,
    providerOrigin,
    oidc,
    async close() {
      await Promise.all([close(demo), close(vendo), close(provider), oidc.close()]);
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s = await startServers();
  process.on('SIGINT', async () => {
    await s.close();
    process.exit(0);
  });
  console.log(`Demo: ${s.demoOrigin}`);
  console.log(`Vendo: ${s.vendoOrigin}`);
  console.log(`Provider: ${s.providerOrigin}`);
  console.log(`OAuth: ${s.oidc.issuer}`);
  console.log('Press Ctrl+C to stop.');
}
