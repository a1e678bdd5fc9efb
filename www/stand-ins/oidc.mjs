// A real OAuth 2.1 / OpenID Connect authorization server for the tests and the demo:
// panva's oidc-provider, on 127.0.0.1 only. One public client (no secret, PKCE required),
// refresh tokens and revocation on, and RFC 9207's `iss` in every authorization response.
import http from 'node:http';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'vendo-connect-demo';

/** Starts the server. `redirectUris`: the app's callback pages; `origins`: CORS allow-list. */
export async function startOidc({ port = 0, redirectUris, origins }) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['vendo-connect-local-test-only'] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 300,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86400,
      Session: 3600,
    },
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: (_ctx, origin) => origins.includes(origin),
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });
  // Keep the console quiet about the development-only defaults this test server relies on.
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider:', err.message));
  provider.on(
    'grant.error',
    (_ctx, err) =>
      process.env.OIDC_DEBUG && console.error('oidc-provider grant error:', err.error_detail || err.message),
  );
  server.on('request', provider.callback());
  return {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
