// Serves the built Leptos example (examples/leptos/dist) on loopback, and, run by hand, an
// oidc-provider whose client accepts the example's callback page.
//
//   node examples/leptos/serve.mjs [port] [oidcPort]   (default 8090 and 8084; `make demo` runs the Vendo server)
//
// tests/e2e/leptos.test.mjs imports serveDist() and startOidc() with ephemeral ports.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { close, listen, send } from '../../www/http.mjs';
import { startOidc } from '../../www/stand-ins/oidc.mjs';

export const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves `dir` on 127.0.0.1:`port` (0: ephemeral); its origin is `http://localhost:<port>`,
 *  like the demo page's, so it is another site than the servers on 127.0.0.1. */
export async function serveDist({ dir = DIST, port = 0 } = {}) {
  const server = await listen(async (req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://app.local').pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    if (pathname === '/') pathname = '/index.html';
    const file = path.resolve(dir, `.${pathname}`);
    if (pathname.includes('\0') || !file.startsWith(dir + path.sep)) return send(res, 403, 'forbidden');
    try {
      if (!(await stat(file)).isFile()) return send(res, 404, 'not found');
      return send(res, 200, await readFile(file), {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      });
    } catch {
      return send(res, 404, 'not found');
    }
  }, port);
  const origin = `http://localhost:${server.address().port}`;
  return { origin, callbackUrl: `${origin}/callback.html`, close: () => close(server) };
}

/** An oidc-provider (www/stand-ins/oidc.mjs) whose client `vendo-connect-demo` accepts the app's
 *  callback page and whose token endpoint answers the app's origin (CORS). */
export function startAppOidc(app, port = 0) {
  return startOidc({ port, redirectUris: [app.callbackUrl], origins: [app.origin] });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || 8090);
  const oidcPort = Number(process.argv[3] || 8084);
  try {
    await stat(path.join(DIST, 'index.html'));
  } catch {
    console.error('examples/leptos/dist is missing: run `bash scripts/build-examples.sh` first.');
    process.exit(1);
  }
  const app = await serveDist({ port });
  const oidc = await startAppOidc(app, oidcPort);
  const vendo = 'http://127.0.0.1:8081'; // the page's default
  const url = `${app.origin}/?oidc=${oidc.issuer}`;
  console.log(`Leptos example: ${app.origin} (serving ${path.relative(process.cwd(), DIST) || DIST})`);
  console.log(`OAuth server for its callback: ${oidc.issuer}`);
  console.log(`Vendo server (from \`make demo\`): ${vendo}`);
  console.log(`Open ${url}`);
  process.on('SIGINT', async () => {
    await Promise.all([app.close(), oidc.close()]);
    process.exit(0);
  });
}
