// Test harness: loads the built package like a user would and records every settled flow.
import * as sdk from '/pkg/index.js';

window.sdk = sdk;
window.results = [];
window.record = (promise, label = '') => {
  const entry = { label, status: 'pending' };
  window.results.push(entry);
  promise.then(
    (value) => Object.assign(entry, { status: 'resolved', value }),
    (error) =>
      Object.assign(entry, {
        status: 'rejected',
        code: error?.code,
        detail: error?.detail,
        isConnectError: error instanceof sdk.ConnectError && error instanceof Error,
        message: String(error?.message),
      }),
  );
  return promise;
};
document.getElementById('go').addEventListener('click', () => {
  if (typeof window.__action === 'function') window.__action();
});
// Same-tab flows in the tests come back here: finish them on every load (null when the URL
// carries no response), kept apart from `results`.
window.completed = sdk.completeRedirect({ ackTimeoutMs: 300 }).then(
  (value) => ({ status: 'resolved', value }),
  (error) => ({ status: 'rejected', code: error?.code, detail: error?.detail }),
);
await sdk.ready(); // no init() needed: importing started the load
window.ready = true;
// ?auto=<connect options as JSON>: start a flow at load, outside any user gesture.
const auto = new URLSearchParams(location.search).get('auto');
if (auto) window.record(sdk.connect(JSON.parse(auto)), 'auto');
