// One list of scenarios, run against the test kit's fakes (vendo-connect/testing) and against
// the independent stand-ins in www/ (tests/e2e/kit-scenarios.test.mjs): both must give the
// result written here, so the fakes answer as the systems they stand for. Each scenario gets a
// target `t` that speaks the same steps to either (docs/testing.md#faithful-by-construction):
//
//   t.connect(outcome, options)     a connect() flow answered as `outcome`   → settled result
//   t.authorize(outcome)            an authorize() flow                      → settled result
//   t.exchange(a, overrides)        exchangeCode() for authorization `a`     → settled result
//   t.refresh(token) / t.revoke(token)                                       → settled result
//   t.link(outcome)                 an openConnectLink() flow                → settled result
//   t.revisitLink()                 the last link's page again               → the callback query
//   t.mint(redirectUri)             mint a link for a redirect URI           → { ok } or { code }
//   t.visitAuthorize(params)        the authorization endpoint in a tab      → { status, redirected }
//   t.visitVendo(path)              a Vendo entry URL in a tab               → { status, body }
//
// `outcome` is the kit's vocabulary ({ done }, { denied }, { error }, { noise }); each target
// brings it about its own way (the stand-ins by clicking their consent pages). A third target,
// the in-page kit (vendo-connect/testing/page), runs every scenario but those marked
// `inPage: false`: a server's own page in a tab, which a kit without a server has none of.

/** A settled flow, without the values that differ by nature (random ids, tokens). */
export function summary(r) {
  if (r.status === 'rejected') return { status: 'rejected', code: r.code };
  const v = r.value;
  if (v === undefined || v === null) return { status: 'resolved' };
  if ('connectionId' in v && 'provider' in v) {
    return {
      status: 'resolved',
      provider: v.provider,
      returnUrl: v.returnUrl,
      connectionId: typeof v.connectionId,
      displayName: typeof v.displayName,
    };
  }
  if ('tool' in v) return { status: 'resolved', tool: v.tool, connectionId: typeof v.connectionId };
  if ('codeVerifier' in v) return { status: 'resolved', code: typeof v.code, codeVerifier: typeof v.codeVerifier };
  if ('accessToken' in v)
    return {
      status: 'resolved',
      tokenType: v.tokenType,
      refreshToken: typeof v.refreshToken,
      expiresIn: typeof v.expiresIn,
    };
  return { status: 'resolved' };
}

const resolvedToken = { status: 'resolved', tokenType: 'Bearer', refreshToken: 'string', expiresIn: 'number' };
const rejected = (code) => ({ status: 'rejected', code });

export const SCENARIOS = [
  // --- Vendo (connect) -----------------------------------------------------------------
  {
    name: 'connect, first-party provider: done, with return_url from returnTo',
    run: async (t) => summary(await t.connect({ done: true }, { provider: 'notion', returnTo: '/connections/notion' })),
    expect: {
      status: 'resolved',
      provider: 'notion',
      returnUrl: '/connections/notion',
      connectionId: 'string',
      displayName: 'string',
    },
  },
  {
    name: 'connect, Composio provider: done, no returnTo gives return_url null',
    run: async (t) => summary(await t.connect({ done: true }, { provider: 'gmail' })),
    expect: { status: 'resolved', provider: 'gmail', returnUrl: null, connectionId: 'string', displayName: 'string' },
  },
  {
    name: 'connect: the person denies at the provider: access_denied',
    run: async (t) => summary(await t.connect({ denied: true }, { provider: 'notion' })),
    expect: rejected('access_denied'),
  },
  {
    name: 'connect: a Vendo error code passes through',
    run: async (t) => summary(await t.connect({ error: 'db_insert_failed' }, { provider: 'notion' })),
    expect: rejected('db_insert_failed'),
  },
  {
    name: 'connect: a message from another origin first is ignored',
    run: async (t) => summary(await t.connect({ noise: true }, { provider: 'notion' })),
    expect: { status: 'resolved', provider: 'notion', returnUrl: null, connectionId: 'string', displayName: 'string' },
  },
  {
    name: 'Vendo refuses a provider outside its catalog: 404 provider_unknown',
    inPage: false,
    run: (t) => t.visitVendo('/api/oauth/not-a-provider/authorize?embed=1&state=s'),
    expect: { status: 404, body: { error: 'provider_unknown' } },
  },
  {
    name: 'Vendo refuses a returnTo that is not a same-origin path: 400 invalid_return_to',
    inPage: false,
    run: (t) =>
      t.visitVendo(`/api/oauth/notion/authorize?embed=1&state=s&returnTo=${encodeURIComponent('/%2F%2Fevil.example')}`),
    expect: { status: 400, body: { error: 'invalid_return_to' } },
  },

  // --- OAuth 2.1 (authorize + tokens) -------------------------------------------------------
  {
    name: 'authorize: done, then the code exchanged (form body)',
    run: async (t) => {
      const a = await t.authorize({ done: true });
      return [summary(a), summary(await t.exchange(a.value))];
    },
    expect: [{ status: 'resolved', code: 'string', codeVerifier: 'string' }, resolvedToken],
  },
  {
    name: 'authorize: done, then the code exchanged (JSON body)',
    run: async (t) => summary(await t.exchange((await t.authorize({ done: true })).value, { bodyEncoding: 'json' })),
    expect: resolvedToken,
  },
  {
    name: 'authorize: the person denies: access_denied',
    run: async (t) => summary(await t.authorize({ denied: true })),
    expect: rejected('access_denied'),
  },
  {
    name: 'token endpoint refuses a wrong verifier: invalid_grant',
    run: async (t) => {
      const a = (await t.authorize({ done: true })).value;
      return summary(await t.exchange(a, { codeVerifier: `${a.codeVerifier.slice(1)}x` }));
    },
    expect: rejected('invalid_grant'),
  },
  {
    name: 'token endpoint refuses a replayed code: invalid_grant',
    run: async (t) => {
      const a = (await t.authorize({ done: true })).value;
      return [summary(await t.exchange(a)), summary(await t.exchange(a))];
    },
    expect: [resolvedToken, rejected('invalid_grant')],
  },
  {
    name: 'token endpoint refuses another redirect URI than the authorization request: invalid_grant',
    run: async (t) => {
      const a = (await t.authorize({ done: true })).value;
      return summary(await t.exchange(a, { redirectUri: t.otherRedirectUri }));
    },
    expect: rejected('invalid_grant'),
  },
  {
    name: 'refresh tokens rotate: the new one works, the used one is refused',
    run: async (t) => {
      const first = await t.exchange((await t.authorize({ done: true })).value);
      const rt = first.value.refreshToken;
      const second = await t.refresh(rt);
      return [summary(second), summary(await t.refresh(rt)), summary(await t.refresh(second.value.refreshToken))];
    },
    expect: [resolvedToken, rejected('invalid_grant'), resolvedToken],
  },
  {
    name: 'revocation answers 200, and a revoked refresh token is refused',
    run: async (t) => {
      const rt = (await t.exchange((await t.authorize({ done: true })).value)).value.refreshToken;
      return [summary(await t.revoke(rt)), summary(await t.revoke(rt)), summary(await t.refresh(rt))];
    },
    expect: [{ status: 'resolved' }, { status: 'resolved' }, rejected('invalid_grant')],
  },
  {
    name: 'authorization endpoint never redirects to an unregistered redirect URI',
    inPage: false,
    run: (t) => t.visitAuthorize({ redirect_uri: t.unregisteredRedirectUri }),
    expect: { status: 400, redirected: false },
  },

  // --- Hosted connect links -----------------------------------------------------------------
  {
    name: 'connect link: done gives the tool and connection id',
    run: async (t) => summary(await t.link({ done: true })),
    expect: { status: 'resolved', tool: 'google_sheets', connectionId: 'string' },
  },
  {
    name: 'connect link: an error code passes through',
    run: async (t) => summary(await t.link({ error: 'connection_failed' })),
    expect: rejected('connection_failed'),
  },
  {
    name: 'connect link: the person denies: oauth_denied',
    run: async (t) => summary(await t.link({ denied: true })),
    expect: rejected('oauth_denied'),
  },
  {
    name: 'a link works once: a second visit returns status=error&error=invalid_state',
    run: async (t) => {
      await t.link({ done: true });
      return t.revisitLink();
    },
    expect: { status: 'error', error: 'invalid_state' },
  },
  {
    name: 'minting refuses a redirect URI with a fragment: INVALID_REDIRECT_URI',
    run: (t) => t.mint(`${t.appOrigin}/callback.html#x`),
    expect: { code: 'INVALID_REDIRECT_URI' },
  },
  {
    name: 'minting refuses a non-loopback http redirect URI: INVALID_REDIRECT_URI',
    run: (t) => t.mint('http://app.example/callback.html'),
    expect: { code: 'INVALID_REDIRECT_URI' },
  },
];
