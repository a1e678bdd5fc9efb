// vendo-connect/testing/page's declarations under --strict, as a Vitest browser mode test uses
// them (tests/e2e/kit.test.mjs compiles it with tests/types/tsconfig.testing.json).
import { installPageFakes } from 'vendo-connect/testing/page';

export function usage(): string {
  const fakes = installPageFakes({
    vendo: location.origin,
    oauth: { issuer: `${location.origin}/oauth`, clientId: 'app', redirectUris: [`${location.origin}/callback.html`] },
    links: location.origin,
  });
  fakes.vendo.next({ done: { displayName: 'Acme' }, noise: true });
  fakes.vendo.next({ error: 'db_insert_failed', detail: 'x', afterMs: 100 });
  fakes.oauth.next({ denied: true });
  fakes.oauth.nextToken({ error: 'invalid_grant' });
  fakes.links.next({ closeAfterMs: 1000 });
  const link: string = fakes.links.mint({ redirectUri: `${location.origin}/callback.html`, tool: 'notion' });
  const state: string | undefined = fakes.vendo.requests[0]?.params.state;
  const verifier = fakes.oauth.tokenRequests[0]?.body?.code_verifier;
  fakes.uninstall();
  return `${link} ${state} ${verifier}`;
}

export function onlyVendo(): void {
  const fakes = installPageFakes({ vendo: location.origin });
  fakes.vendo.next({ noAnswer: true });
  // @ts-expect-error: no oauth fake was asked for
  fakes.oauth.next();
  // @ts-expect-error: no coop outcome in the page
  fakes.vendo.next({ coop: true });
}
