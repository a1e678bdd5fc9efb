// React 19: a click handler calls connect() directly (no await before it: the popup opens inside the click).
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { connect, ready, ConnectError } from 'vendo-connect';

function App() {
  const [status, setStatus] = useState('loading');
  const [connectionId, setConnectionId] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    ready().then(
      () => setStatus('ready'),
      (e) => setStatus(`failed: ${e}`),
    );
  }, []);
  const onClick = () => {
    // The Vendo server to talk to: ?vendo=<origin> (the e2e test's server), else the demo's.
    const baseUrl = new URLSearchParams(location.search).get('vendo') ?? 'http://127.0.0.1:8081';
    connect({ baseUrl, provider: 'notion' }).then(
      (c) => setConnectionId(c.connectionId),
      (e) => setError(e instanceof ConnectError ? e.code : String(e)),
    );
  };
  return (
    <>
      <p id="status">{status}</p>
      <button id="connect" type="button" onClick={onClick}>
        Connect Notion
      </button>
      <p>
        connection: <output id="connection-id">{connectionId}</output>
      </p>
      <p>
        error: <output id="error">{error}</output>
      </p>
    </>
  );
}

createRoot(document.getElementById('app')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
