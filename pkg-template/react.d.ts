/**
 * vendo-connect/react — `useConnect()`, a React (18 or later) hook over the package's popup
 * flows. React is an optional peer dependency of vendo-connect; only this entry needs it.
 */
import type { Authorization, Connection, LinkedTool, authorize, connect, openConnectLink } from './index.js';

/** `idle` until the first flow; `pending` while the latest flow runs; then `done` or `error`. */
export type ConnectStatus = 'idle' | 'pending' | 'done' | 'error';

/** What a popup flow resolves with. */
export type FlowResult = Connection | Authorization | LinkedTool;

/** The outcome of the hook's latest flow. */
export type ConnectState<R extends FlowResult = FlowResult> =
  | { status: 'idle' | 'pending'; result: undefined; error: undefined }
  | { status: 'done'; result: R; error: undefined }
  /**
   * `error` is what the flow rejected with: a `ConnectError` (check with `instanceof`), or,
   * for `openConnectLink` with a link function that threw or rejected, that very value.
   */
  | { status: 'error'; result: undefined; error: unknown };

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

/** What `useConnect()` returns. */
export type UseConnect<R extends FlowResult = FlowResult> = ConnectActions & ConnectState<R>;

/**
 * The flows, the latest flow's `status`, `result` and `error`, and `cancel()`. Each flow
 * gets an `AbortSignal` (merged with the `signal` option, if given): `cancel()` and
 * unmounting abort the pending flow, and a newer flow supersedes it. `R` narrows `result`
 * when a component runs one kind of flow, e.g. `useConnect<Connection>()`.
 */
export function useConnect<R extends FlowResult = FlowResult>(): UseConnect<R>;
