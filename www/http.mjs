// Small HTTP helpers shared by the local servers (node:http only).
import http from 'node:http';

export function listen(handler, port, host = '127.0.0.1') {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err) => {
      console.error(err);
      if (!res.headersSent) send(res, 500, 'internal error');
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

export function close(server) {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

export function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

export const json = (res, status, obj, headers = {}) =>
  send(res, status, JSON.stringify(obj), { 'Content-Type': 'application/json', ...headers });

export const html = (res, status, body, headers = {}) =>
  send(res, status, body, { 'Content-Type': 'text/html; charset=utf-8', ...headers });

export const redirect = (res, location, headers = {}) => send(res, 302, '', { Location: location, ...headers });

export function readBody(req, limit = 65536) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
      if (data.length > limit) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** A JSON or form body as a plain object (null when it is neither). */
export async function readParams(req) {
  const body = await readBody(req);
  const type = req.headers['content-type'] || '';
  if (type.startsWith('application/json')) {
    try {
      const v = JSON.parse(body);
      return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

export const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON for an inline <script>, safe against </script> and friends. */
export const scriptJson = (v) =>
  JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export function page(title, body, script = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f5f6fa;color:#1d2330}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px #0001;padding:28px 32px;max-width:380px;width:100%}
h1{font-size:19px;margin:0 0 8px}p{color:#555}button,select{font:inherit;padding:8px 14px;border-radius:8px;border:1px solid #ccd;margin:4px 4px 0 0;cursor:pointer}
button.primary{background:#3451d1;color:#fff;border-color:#3451d1}</style></head>
<body><main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

export function cors(res, origin) {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Headers', 'content-type, accept');
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
  res.setHeader('Vary', 'Origin');
}
