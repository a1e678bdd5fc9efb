// The app's static server: public/ and the installed package under /node_modules/vendo-connect/.
// `node server.mjs` serves http://localhost:5173; the tests call `startApp({ port: 0 })`.
// The app's backend endpoint /api/connect-link (it mints a hosted link with the partner's API
// key, server-side) is not part of this example: its tests answer it in the browser.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const MOUNTS = [
  ['/node_modules/vendo-connect/', path.join(here, 'node_modules', 'vendo-connect')],
  ['/', path.join(here, 'public')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

export async function startApp({ port = 5173 } = {}) {
  const server = createServer(async (req, res) => {
    let pathname = new URL(req.url, 'http://app').pathname;
    if (pathname === '/') pathname = '/index.html';
    const [mount, root] = MOUNTS.find(([m]) => pathname.startsWith(m));
    const file = path.resolve(root, `.${pathname.slice(mount.length - 1)}`);
    const type = TYPES[path.extname(file)];
    if (!type || !file.startsWith(root + path.sep)) return res.writeHead(404).end();
    try {
      const body = await readFile(file);
      // A callback page has the code in its URL: no Referer, no cache (the package's README).
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = await startApp();
  console.log(`The connect app: ${app.origin}`);
}
