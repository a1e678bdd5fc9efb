// Compiled with `tsc --strict --noEmit` (tsconfig.react.json) against the built package's
// react.d.ts: `useConnect()`'s flows are the package's own functions, its state is a union
// narrowed by `status`, and nothing is `any`.
import { useState } from 'react';
import type { ConnectError, authorize, connect, openConnectLink } from 'vendo-connect';
import type { Authorization, Connection, ConnectErrorCode, LinkedTool } from 'vendo-connect';
import { useConnect } from 'vendo-connect/react';
import type { ConnectState, ConnectStatus, FlowName, FlowResult, UseConnect, UseFlow } from 'vendo-connect/react';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
const assertType = <T extends true>() => undefined as unknown as T;

// The flows are the package's: same arguments, same promises.
assertType<Equals<UseConnect['connect'], typeof connect>>();
assertType<Equals<UseConnect['authorize'], typeof authorize>>();
assertType<Equals<UseConnect['openConnectLink'], typeof openConnectLink>>();
assertType<Equals<UseConnect['cancel'], () => void>>();
assertType<Equals<UseConnect['status'], ConnectStatus>>();
assertType<Equals<ConnectStatus, 'idle' | 'pending' | 'done' | 'error'>>();
assertType<Equals<FlowResult, Connection | Authorization | LinkedTool>>();
assertType<Equals<UseConnect['result'], Connection | Authorization | LinkedTool | null | undefined>>();
assertType<Equals<UseConnect['flow'], FlowName | undefined>>();
assertType<Equals<FlowName, 'connect' | 'authorize' | 'openConnectLink'>>();
// Named, the flow types the state: no type argument to write.
assertType<Equals<UseFlow<'connect'>['result'], Connection | undefined>>();
assertType<Equals<UseFlow<'connect'>['error'], ConnectError | undefined>>();
assertType<Equals<UseFlow<'connect'>['connect'], typeof connect>>();
assertType<Equals<UseFlow<'authorize'>['result'], Authorization | null | undefined>>();
assertType<Equals<UseFlow<'openConnectLink'>['error'], unknown>>();
assertType<Equals<ReturnType<typeof useConnect<'connect'>>, UseFlow<'connect'>>>();
assertType<Equals<Extract<ConnectState<'connect'>, { status: 'done' }>['result'], Connection>>();
assertType<Equals<IsAny<UseConnect['error']>, false>>();
assertType<Equals<IsAny<UseConnect['result']>, false>>();
assertType<Equals<IsAny<ReturnType<typeof useConnect>>, false>>();

export function ConnectNotion({ baseUrl }: { baseUrl: string }) {
  const { connect, cancel, status, result, error } = useConnect('connect');
  const [last, setLast] = useState<string | null>(null);
  // Destructured, the state still narrows on `status`.
  const connectionId: string | null = status === 'done' ? result.connectionId : null;
  if (status === 'idle' || status === 'pending') {
    const none: undefined = result;
    const noError: undefined = error;
    void [none, noError];
  }
  // A connect() error is always a ConnectError: no `instanceof` needed.
  const code: ConnectErrorCode | null = status === 'error' ? error.code : null;
  // @ts-expect-error: a hook named for connect has no authorize
  void useConnect('connect').authorize;
  // @ts-expect-error: only the three flows have names
  void useConnect('conect');
  return (
    <div>
      <button
        onClick={() => {
          connect({ baseUrl, provider: 'notion', signal: AbortSignal.timeout(60_000) }).then(
            (c: Connection) => setLast(c.connectionId),
            (e: unknown) => void e,
          );
        }}
      >
        Connect
      </button>
      <button onClick={cancel} disabled={status !== 'pending'}>
        Cancel
      </button>
      <output>{connectionId ?? code ?? last ?? status}</output>
    </div>
  );
}

export function AnyFlow() {
  const hook: UseConnect = useConnect();
  const start = (): Promise<[Authorization, LinkedTool]> =>
    Promise.all([
      hook.authorize({ authorizationEndpoint: 'https://as/auth', clientId: 'c', redirectUri: 'https://app/cb' }),
      hook.openConnectLink(
        async (redirectUri: string) => `https://link.example/?r=${encodeURIComponent(redirectUri)}`,
        { redirectUri: 'https://app/cb' },
      ),
    ]);
  if (hook.status === 'done') {
    const r: FlowResult | null = hook.result;
    // Every flow: the result is the union of the three flows' results, until `flow` narrows it.
    // @ts-expect-error: an Authorization has no connectionId
    void r?.connectionId;
    if (hook.flow === 'connect') {
      const c: Connection = hook.result;
      void c;
    }
    if (hook.flow === 'authorize') {
      const a: Authorization | null = hook.result;
      void a;
    }
  }
  if (hook.status === 'error') {
    const e: unknown = hook.error;
    if (hook.flow === 'authorize') {
      const code: ConnectErrorCode = hook.error.code;
      void code;
    }
    void e;
  }
  // @ts-expect-error: secrets stay on servers, also through the hook
  void hook.authorize({ authorizationEndpoint: 'x', clientId: 'c', redirectUri: 'r', clientSecret: 's' });
  // @ts-expect-error: connect's options are required
  void hook.connect();
  return <button onClick={() => void start()}>{hook.status}</button>;
}
