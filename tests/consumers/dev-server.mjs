// The servers of the consumer apps for tests/e2e/consumers.test.mjs, each on 127.0.0.1 and a
// free port, each a first run (no pre-bundling cache):
// - startViteDev(major): the plain Vite 5, 6, 7 and 8 apps' dev servers, through Vite's API.
//   Vite's own listen() reads port 0 as "the default port"; middleware mode on our own http
//   server does not. Pre-bundling is forced, as on a first `vite` run.
// - startEsbuildServe(): `esbuild --serve` of the esbuild app, through esbuild's API: the
//   bundle built in memory, beside its page in esbuild/serve/ (scripts/build-consumers.sh).
// - startCommand(spec): a framework's own command (`vite dev` of SvelteKit, `astro dev`,
//   `next dev`, `next start`, `parcel serve`), spawned in a process group of its own and
//   stopped with it.
import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { createServer as createVite5 } from 'vite5';
import { createServer as createVite6 } from 'vite6';
import { createServer as createVite7 } from 'vite7';
import { createServer as createVite8 } from 'vite8';

const here = fileURLToPath(new URL('.', import.meta.url));
const VITE = { 5: createVite5, 6: createVite6, 7: createVite7, 8: createVite8 };

/** The dev server of tests/consumers/vite<major>/, with no configuration file. */
export async function startViteDev(major) {
  const vite = await VITE[major]({
    root: path.join(here, `vite${major}`),
    configFile: false,
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

/** esbuild's serve mode for tests/consumers/esbuild/, with its defaults (no splitting). */
export async function startEsbuildServe() {
  const dir = path.join(here, 'esbuild/serve');
  const context = await esbuild.context({
    entryPoints: [path.join(here, 'esbuild/main.js')],
    bundle: true,
    outdir: dir,
    logLevel: 'warning',
  });
  const { port } = await context.serve({ servedir: dir, host: '127.0.0.1', port: await freePort() });
  return { origin: `http://127.0.0.1:${port}`, close: () => context.dispose() };
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net
      .createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
  });

/**
 * Spawns `argv(port)` in `cwd` (relative to tests/consumers/) with `node` (a path to a Node
 * binary; this one by default), after removing the folders in `clean` (pre-bundling caches,
 * dev build folders), and waits until `GET /` answers 200 (up to `timeoutMs`).
 */
export async function startCommand({ cwd, argv, node = process.execPath, env = {}, clean = [], timeoutMs = 180_000 }) {
  const dir = path.join(here, cwd);
  for (const c of clean) rmSync(path.join(dir, c), { recursive: true, force: true });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(node, argv(port), {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      ASTRO_TELEMETRY_DISABLED: '1',
      BROWSER: 'none',
      NO_COLOR: '1',
      ...env,
    },
  });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  const close = async () => {
    if (gone) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`${argv(port).join(' ')} (in ${cwd}) exited:\n${output}`);
    const status = await fetch(origin, { signal: AbortSignal.timeout(60_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > until) {
      await close();
      throw new Error(
        `${argv(port).join(' ')} (in ${cwd}) did not answer 200 within ${timeoutMs} ms (last: ${status}):\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { origin, close, output: () => output };
}
