// A Server Component: it awaits ready() and calls the pure helpers on the server, on every
// request (force-dynamic), and shows that a flow rejects there; the Connect button is a
// Client Component.
import { ready, generateState, generatePkce, connect } from 'vendo-connect';
import Connect from './connect';

export const dynamic = 'force-dynamic';

export default async function Page() {
  await ready();
  const flow = await connect({ baseUrl: 'https://vendo.example', provider: 'notion' }).then(
    () => 'resolved',
    (e) => e.code,
  );
  return (
    <main>
      <p>
        server: <output id="server">{`${generateState().length} ${generatePkce().codeChallengeMethod} ${flow}`}</output>
      </p>
      <Connect />
    </main>
  );
}
