// TypeScript 5, `strict` and otherwise the defaults of `tsc --init`: a click handler calls
// connect() directly (no await before it: the popup opens inside the click). tsc emits
// build/main.js, which esbuild bundles like any JS app (scripts/build-consumers.sh).
import { connect, ready, ConnectError, type Connection } from 'vendo-connect';

// The Vendo server to talk to: ?vendo=<origin> (the e2e test's server), else the demo's.
const baseUrl: string = new URLSearchParams(location.search).get('vendo') ?? 'http://127.0.0.1:8081';

function show(id: 'status' | 'connection-id' | 'error', text: string): void {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

// Importing the package starts loading the wasm; ready() says when it is loaded.
ready().then(
  () => show('status', 'ready'),
  (e: unknown) => show('status', `failed: ${String(e)}`),
);

document.getElementById('connect')?.addEventListener('click', () => {
  connect({ baseUrl, provider: 'notion' }).then(
    (c: Connection) => show('connection-id', c.connectionId),
    (e: unknown) => show('error', e instanceof ConnectError ? e.code : String(e)),
  );
});
