// A route handler: ready() and the pure helpers on the server; a flow rejects there.
import { ready, generateState, generatePkce, connect } from 'vendo-connect';

export const dynamic = 'force-dynamic';

export async function GET() {
  await ready();
  const flow = await connect({ baseUrl: 'https://vendo.example', provider: 'notion' }).then(
    () => 'resolved',
    (e) => e.code,
  );
  return Response.json({ state: generateState().length, pkce: generatePkce().codeChallengeMethod, flow });
}
