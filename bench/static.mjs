// The bench's own static server, loopback only, ephemeral port: the pages in bench/public/,
// the package under test at /pkg/ (BENCH_PKG) and the peer's bundle at /peer/. Like a
// deployed app it gzips (level 9, what `make size` counts) and lets the browser cache the
// scripts and the wasm for a while; pages are `no-store`. `/*CONFIG*/null` in a page is
// replaced by the bench's configuration (issuer, endpoints, client id), so the pages need no
// extra request and stay structurally equal.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { close, listen, send } from '../www/http.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Starts the server. `pkgDir`: the built package; `peerDir`: the peer bundle's directory. */
const PRELOAD =
  '<link rel="modulepreload" href="/pkg/index.js">\n' +
  '<link rel="preload" href="/pkg/vendo_connect_bg.wasm" as="fetch" type="application/wasm" crossorigin>';

export async function startStatic({ pkgDir, peerDir, config = {} }) {
  const mounts = [
    ['/pkg/', path.resolve(pkgDir)],
    ['/peer/', path.resolve(peerDir)],
    ['/', path.join(here, 'public')],
  ];
  const gz = new Map(); // file -> { mtimeMs, body }
  const served = []; // [{ path, bytes, encoded }] for the size line
  const server = await listen(async (req, res) => {
    let pathname;
    let preload;
    try {
      const url = new URL(req.url, 'http://bench.local');
      pathname = decodeURIComponent(url.pathname);
      preload = url.searchParams.has('preload');
    } catch {
      return send(res, 400, 'bad path');
    }
    const [mount, root] = mounts.find(([m]) => pathname.startsWith(m));
    const file = path.resolve(root, `.${pathname.slice(mount.length - 1)}`);
    if (pathname.includes('\0') || !file.startsWith(root + path.sep)) return send(res, 403, 'forbidden');
    let st;
    try {
      st = await stat(file);
    } catch {
      return send(res, 404, 'not found');
    }
    if (!st.isFile()) return send(res, 404, 'not found');
    const ext = path.extname(file);
    // `?preload`: the page as the npm README advises on a slow network, the module and the
    // wasm preloaded from its <head> (the `<!--PRELOAD-->` marker).
    const key = preload ? `${file}?preload` : file;
    let entry = gz.get(key);
    if (!entry || entry.mtimeMs !== st.mtimeMs) {
      let raw = await readFile(file);
      if (ext === '.html') {
        raw = Buffer.from(
          raw
            .toString('utf8')
            .replaceAll('/*CONFIG*/null', JSON.stringify(config).replace(/</g, '\\u003c'))
            .replace('<!--PRELOAD-->', preload ? PRELOAD : ''),
        );
      }
      entry = { mtimeMs: st.mtimeMs, raw, body: gzipSync(raw, { level: 9 }) };
      gz.set(key, entry);
    }
    const headers = {
      'Content-Type': TYPES[ext] || 'application/octet-stream',
      'Cache-Control': ext === '.html' ? 'no-store' : 'public, max-age=600',
      Vary: 'Accept-Encoding',
    };
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    if (gzip) headers['Content-Encoding'] = 'gzip';
    const body = gzip ? entry.body : entry.raw;
    headers['Content-Length'] = body.length;
    served.push({ path: pathname, bytes: entry.raw.length, encoded: body.length });
    return send(res, 200, body, headers);
  }, 0);
  const origin = `http://localhost:${server.address().port}`;
  return {
    origin,
    served,
    setConfig(c) {
      Object.assign(config, c);
      gz.clear();
    },
    close: () => close(server),
  };
}
