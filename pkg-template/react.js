'use client';
// vendo-connect/react: `useConnect()`, a React hook over the package's popup flows
// (docs/architecture.md#react). React is an optional peer dependency: only this file imports
// it, and index.js never imports this file. `'use client'` (above) marks it for React Server
// Components frameworks (Next.js App Router): the hook runs in the browser only.
//
// The flows are the package's own (same arguments, same promises), called synchronously from
// the caller's event handler, so the popup opens inside the click. Nothing starts a flow from
// render or from an effect: StrictMode's double render and mount → unmount → mount open
// nothing. The state shows the outcome of the hook's latest flow only; an older flow that was
// superseded or cancelled never overwrites it. Unmounting aborts the pending flow.
import { useEffect, useState } from 'react';
import { connect, authorize, openConnectLink, ConnectError } from './index.js';

const FLOWS = { connect, authorize, openConnectLink };
const IDLE = { status: 'idle', flow: undefined, result: undefined, error: undefined };
const none = () => {};

// Puts `controller.signal` in the flow's options (`args[at]`), following the caller's own
// `signal` if it has one: the flow aborts when either aborts. Options the flow will reject
// anyway (not an object, an unreadable or non-AbortSignal `signal`) are passed on untouched,
// so the promise is the package's own `invalid_options`. Returns what stops the following.
function withSignal(args, at, controller) {
  const given = args[at];
  if (given === undefined) {
    args[at] = { signal: controller.signal };
    return none;
  }
  if (given === null || typeof given !== 'object') return none;
  let theirs;
  try {
    theirs = given.signal ?? undefined;
  } catch {
    return none;
  }
  if (theirs !== undefined && !(theirs instanceof AbortSignal)) return none;
  // The caller's object stays the prototype: every option reads as it would (own or
  // inherited, getters included) and the caller's object is not modified.
  args[at] = Object.create(given, { signal: { value: controller.signal, enumerable: true } });
  if (theirs === undefined) return none;
  if (theirs.aborted) {
    controller.abort(theirs.reason);
    return none;
  }
  const follow = () => controller.abort(theirs.reason);
  theirs.addEventListener('abort', follow);
  return () => theirs.removeEventListener('abort', follow);
}

// One per component instance (a `useState` initializer: pure, so StrictMode may call it
// twice and keep one).
function create(setState) {
  let current = null; // the AbortController of the flow whose outcome the state will show
  let unmounted = false;

  const run = (name, args, at) => {
    const controller = new AbortController();
    const release = withSignal(args, at, controller);
    // Called after unmount (a handler kept elsewhere): reject with `aborted`, open nothing.
    if (unmounted) controller.abort();
    const promise = FLOWS[name](...args); // synchronous: the popup is open (or refused) now
    if (!unmounted) {
      const previous = current;
      current = controller;
      // Starting a flow has already superseded the previous one (`superseded`); if this
      // one's options were invalid it superseded nothing, and the previous one ends here.
      previous?.abort();
      setState({ status: 'pending', flow: name, result: undefined, error: undefined });
    }
    const end = (next) => {
      release();
      if (current !== controller) return; // superseded by a newer flow of this hook
      current = null;
      setState(next);
    };
    promise.then(
      (result) => end({ status: 'done', flow: name, result, error: undefined }),
      (error) => end({ status: 'error', flow: name, result: undefined, error }),
    );
    return promise;
  };

  return {
    actions: {
      connect: (options) => run('connect', [options], 0),
      authorize: (options) => run('authorize', [options], 0),
      openConnectLink: (link, options) => run('openConnectLink', [link, options], 1),
      cancel: () => {
        current?.abort();
      },
    },
    // The effect: StrictMode's mount → unmount → mount ends mounted. Unmounting aborts the
    // pending flow (its popup closes); its `aborted` goes to the state, which React drops for
    // an unmounted component and keeps for one only hidden (<Activity>), shown again later.
    mount: () => {
      unmounted = false;
      return () => {
        unmounted = true;
        current?.abort();
      };
    },
  };
}

/**
 * `useConnect()` → `{ connect, authorize, openConnectLink, cancel, status, flow, result,
 * error }`; `useConnect('connect')` (or `'authorize'`, `'openConnectLink'`) → that one flow
 * and `cancel`, with the state of its runs. Call the flows from an event handler, with no
 * `await` before them. The functions keep their identity across renders.
 */
export function useConnect(only) {
  if (only !== undefined && !Object.hasOwn(FLOWS, only)) {
    throw new ConnectError(
      'invalid_options',
      `useConnect(flow): flow must be 'connect', 'authorize' or 'openConnectLink'`,
    );
  }
  const [state, setState] = useState(IDLE);
  const [hook] = useState(() => create(setState));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `hook` is made once (useState's initialiser) and carries `mount`
  useEffect(hook.mount, [hook]);
  const { actions } = hook;
  return { ...(only ? { [only]: actions[only], cancel: actions.cancel } : actions), ...state };
}
