// The npm README's React example (pkg-template/README.md, block "test: react"), verbatim:
// tests/e2e/readme.test.mjs holds the two equal and type-checks the block with Next.js-like
// settings, and tests/e2e/react.test.mjs clicks it through (the page's https://vendo.example
// is pointed at the local Vendo server as it is served).

'use client';
import { useConnect } from 'vendo-connect/react';

export function ConnectNotion() {
  const { connect, status, result, error, cancel } = useConnect('connect');
  return (
    <>
      <button onClick={() => connect({ baseUrl: 'https://vendo.example', provider: 'notion' })}>Connect Notion</button>
      {status === 'pending' && <button onClick={cancel}>Cancel</button>}
      {status === 'done' && <p>Connected {result.connectionId}</p>}
      {status === 'error' && <p>{error.code}</p>}
    </>
  );
}
