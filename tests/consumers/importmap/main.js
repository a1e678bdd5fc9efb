// a plain <script type="module"> page with an import map, no bundler: a click handler calls connect() directly (no await before it: the popup opens inside the click).
import { connect, ready, ConnectError } from 'vendo-connect';

// The Vendo server to talk to: ?vendo=<origin> (the e2e test's server), else the demo's.
const baseUrl = new URLSearchParams(location.search).get('vendo') ?? 'http://127.0.0.1:8081';
const show = (id, text) => {
  document.getElementById(id).textContent = text;
};

// Importing the package starts loading the wasm; ready() says when it is loaded.
ready().then(
  () => show('status', 'ready'),
  (e) => show('status', `failed: ${e}`),
);

document.getElementById('connect').addEventListener('click', () => {
  connect({ baseUrl, provider: 'notion' }).then(
    (c) => show('connection-id', c.connectionId),
    (e) => show('error', e instanceof ConnectError ? e.code : String(e)),
  );
});
