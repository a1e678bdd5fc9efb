// The React 19 app that tests/e2e/react.test.mjs clicks through, under <StrictMode>: one
// <Connector> (a component using `useConnect()`, instrumented), a toggle that mounts and
// unmounts it, one that hides and shows it (<Activity>), the npm README's example (ConnectNotion.tsx, verbatim), and, on `window.app`,
// what the test reads besides the DOM: the promises' outcomes, the statuses the component
// rendered, and its effect runs (StrictMode's mount → unmount → mount).
//
// `?vendo=<origin>` points the flows at the test's Vendo server (www/server.mjs).
import { Activity, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ConnectError, ready, type Connection, type ConnectOptions } from 'vendo-connect';
import { useConnect } from 'vendo-connect/react';
import { ConnectNotion } from './ConnectNotion';

/** What a promise returned by the hook's `connect` settled to; `opened`: the windows the
 *  call opened before returning (with tests/e2e/support.mjs' INSTRUMENT only). */
interface Outcome {
  status: 'pending' | 'resolved' | 'rejected';
  connectionId?: string;
  code?: string;
  isConnectError?: boolean;
  opened?: number;
}

interface AppLog {
  effects: string[];
  history: { status: string; code: string | null; connectionId: string | null }[];
  outcomes: Outcome[];
  /** The caller's own AbortController of the latest `#connect-signal` flow. */
  caller: AbortController | null;
}

declare global {
  interface Window {
    app: AppLog;
    __live?: { popups: unknown[] };
  }
}

const log: AppLog = { effects: [], history: [], outcomes: [], caller: null };
window.app = log;

const vendo = new URLSearchParams(location.search).get('vendo') ?? 'http://127.0.0.1:8081';

const codeOf = (e: unknown): string | null =>
  e === undefined ? null : e instanceof ConnectError ? e.code : 'not a ConnectError';

/** Runs `start` (which calls a flow) and records what its promise settles to. */
function record(start: () => Promise<Connection>): void {
  const before = window.__live?.popups.length;
  const promise = start();
  const outcome: Outcome = { status: 'pending' };
  if (before !== undefined) outcome.opened = window.__live!.popups.length - before;
  log.outcomes.push(outcome);
  promise.then(
    (c) => {
      outcome.status = 'resolved';
      outcome.connectionId = c.connectionId;
    },
    (e: unknown) => {
      outcome.status = 'rejected';
      outcome.code = codeOf(e) ?? 'undefined';
      outcome.isConnectError = e instanceof ConnectError;
    },
  );
}

function Connector() {
  const { connect, cancel, status, result, error } = useConnect('connect');
  const code = codeOf(error);
  const connectionId = status === 'done' ? result.connectionId : null;

  useEffect(() => {
    log.effects.push('mount');
    return () => {
      log.effects.push('unmount');
    };
  }, []);
  useEffect(() => {
    log.history.push({ status, code, connectionId });
  }, [status, code, connectionId]);

  // Synchronous in the click handler: the popup opens inside the user's gesture.
  const start = (baseUrl: string, more?: Partial<ConnectOptions>) =>
    record(() => connect({ baseUrl, provider: 'notion', ...more }));
  const withSignal = () => {
    log.caller = new AbortController();
    start(vendo, { signal: log.caller.signal });
  };

  return (
    <section>
      <button id="connect" type="button" onClick={() => start(vendo)}>
        Connect Notion
      </button>
      <button id="connect-deny" type="button" onClick={() => start(`${vendo}/sim/error_access_denied`)}>
        Connect (server says access_denied)
      </button>
      <button id="connect-invalid" type="button" onClick={() => start(vendo, { provider: 'Not a slug!' })}>
        Connect (invalid options)
      </button>
      <button id="connect-signal" type="button" onClick={withSignal}>
        Connect (with my own signal)
      </button>
      <button id="abort-signal" type="button" onClick={() => log.caller?.abort()}>
        Abort my signal
      </button>
      <button id="cancel" type="button" onClick={cancel}>
        Cancel
      </button>
      <output
        id="state"
        data-status={status}
        data-code={code ?? undefined}
        data-connect-error={error === undefined ? undefined : String(error instanceof ConnectError)}
      >
        {status === 'done' && (
          <>
            Connected: <span data-field="connection_id">{result.connectionId}</span> (
            <span data-field="display_name">{result.displayName}</span>)
          </>
        )}
        {status === 'error' && (
          <>
            Failed: <span data-field="code">{code}</span>
          </>
        )}
        {status === 'pending' && 'Waiting for the popup…'}
      </output>
    </section>
  );
}

function App() {
  const [shown, setShown] = useState(true);
  const [hidden, setHidden] = useState(false);
  return (
    <main>
      <h1>vendo-connect/react</h1>
      <button id="toggle" type="button" data-mounted={String(shown)} onClick={() => setShown((s) => !s)}>
        {shown ? 'Unmount' : 'Mount'} the connector
      </button>
      {/* Hidden, the connector keeps its state but its effects are cleaned up. */}
      <button id="hide" type="button" data-hidden={String(hidden)} onClick={() => setHidden((h) => !h)}>
        {hidden ? 'Show' : 'Hide'} the connector
      </button>
      <Activity mode={hidden ? 'hidden' : 'visible'}>{shown && <Connector />}</Activity>
      <section id="readme">
        <h2>The README's example</h2>
        <ConnectNotion />
      </section>
    </main>
  );
}

// The import started loading the wasm; the buttons appear once it is loaded, so every click
// in the test finds it ready (a click during the load is tests/e2e/loading.test.mjs' part).
// The hook itself needs no init().
await ready();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
