/**
 * vendo-connect/react — `useConnect()`, a React (18 or later) hook over the package's popup
 * flows. React is an optional peer dependency of vendo-connect; only this entry needs it. The
 * module carries `'use client'`: in a React Server Components app (Next.js App Router) the
 * component that calls the hook is a client component too (`'use client'` at its top).
 */
import type {
  Authorization,
  ConnectError,
  Connection,
  LinkedTool,
  authorize,
  connect,
  openConnectLink,
} from './index.js';

/** `idle` until the first flow; `pending` while the latest flow runs; then `done` or `error`. */
export type ConnectStatus = 'idle' | 'pending' | 'done' | 'error';

/** The flows the hook runs, by name: each one's function, result and error. */
export interface Flows {
  connect: { run: typeof connect; result: Connection; error: ConnectError };
  /** `null`: a same-tab run (`mode: 'redirect'`, or `'auto'` choosing it), as the tab leaves. */
  authorize: { run: typeof authorize; result: Authorization | null; error: ConnectError };
  /**
   * `null`: a same-tab run, as the tab leaves. `error` is a `ConnectError` (check with
   * `instanceof`) or, when a link function threw or rejected, that very value.
   */
  openConnectLink: { run: typeof openConnectLink; result: LinkedTool | null; error: unknown };
}

/** A flow's name: `'connect'`, `'authorize'` or `'openConnectLink'`. */
export type FlowName = keyof Flows;

/** What a popup flow resolves with. */
export type FlowResult = Connection | Authorization | LinkedTool;

/**
 * The outcome of the hook's latest flow, keyed by `status` and by `flow` (the flow it is
 * about): `status === 'done'` gives that flow's `result`, `status === 'error'` its `error`.
 */
export type ConnectState<F extends FlowName = FlowName> =
  | { status: 'idle'; flow: undefined; result: undefined; error: undefined }
  | (F extends FlowName
      ?
          | { status: 'pending'; flow: F; result: undefined; error: undefined }
          | { status: 'done'; flow: F; result: Flows[F]['result']; error: undefined }
          | { status: 'error'; flow: F; result: undefined; error: Flows[F]['error'] }
      : never);

/** The flows (the package's own: same arguments, same promises) and `cancel`. */
export interface ConnectActions {
  /** Starts `connect()`; call it synchronously from the click handler. */
  connect: typeof connect;
  /** Starts `authorize()`; call it synchronously from the click handler. */
  authorize: typeof authorize;
  /** Starts `openConnectLink()`; call it synchronously from the click handler. */
  openConnectLink: typeof openConnectLink;
  /** Aborts the pending flow (it rejects with `aborted`); does nothing when none is pending. */
  cancel: () => void;
}

/** What `useConnect()` returns: every flow, and the latest one's state (narrow it on `flow`). */
export type UseConnect = ConnectActions & ConnectState;

/**
 * What `useConnect(flow)` returns: that flow and `cancel`, and its state: for
 * `useConnect('connect')`, `result` is a `Connection` and `error` a `ConnectError`.
 */
export type UseFlow<F extends FlowName> = Pick<ConnectActions, F | 'cancel'> & ConnectState<F>;

/**
 * One flow, its `status`, `result` and `error`, and `cancel()`; the types follow the flow
 * named: `useConnect('connect')` gives `result: Connection`. Each flow gets an `AbortSignal`
 * (merged with the `signal` option, if given): `cancel()` and unmounting abort the pending
 * flow, and a newer flow supersedes it. Another name throws `invalid_options`.
 */
export function useConnect<F extends FlowName>(flow: F): UseFlow<F>;
/** Every flow, and the latest one's state: `flow` says which flow `result` and `error` are about. */
export function useConnect(): UseConnect;
