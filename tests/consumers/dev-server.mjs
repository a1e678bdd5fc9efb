// The Vite dev servers for the e2e test (tests/e2e/consumers.test.mjs): Vite 7 on vite7/
// (its vite.config.js holds the one line the dev server needs) and Vite 8 on vite8/ (no
// configuration), started through Vite's API on 127.0.0.1 and a port the system picks.
// Vite's own listen() reads port 0 as "the default port"; middleware mode on our own http
// server does not. Pre-bundling is forced, as on a first `vite` run.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createServer as createVite7 } from 'vite7';
import { createServer as createVite8 } from 'vite8';

const VITE = { 7: [createVite7, 'vite7'], 8: [createVite8, 'vite8'] };

/** `configFile: false` starts it without the app's vite.config.js (the test's control case). */
export async function startViteDev(major, { configFile } = {}) {
  const [createServer, dir] = VITE[major];
  const vite = await createServer({
    root: fileURLToPath(new URL(dir, import.meta.url)),
    configFile,
    logLevel: 'warn',
    optimizeDeps: { force: true },
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: 'spa',
  });
  const server = http.createServer(vite.middlewares);
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await vite.close();
    },
  };
}
