// vendo-connect/testing's declarations with Playwright's own types, under --strict
// (tests/e2e/kit.test.mjs compiles it with tests/types/tsconfig.testing.json).
import { chromium } from 'playwright-core';
import { installFakes, clickWithoutUserActivation } from 'vendo-connect/testing';

export async function usage(): Promise<string> {
  const browser = await chromium.launch();
  const context = await browser.newContext();
  const fakes = await installFakes(context, {
    vendo: 'https://vendo.example',
    oauth: { issuer: 'https://auth.example', clientId: 'app', redirectUris: ['http://localhost:5173/callback.html'] },
  });
  fakes.vendo.next({ done: { displayName: 'Acme' } });
  fakes.vendo.next({ error: 'db_insert_failed', detail: 'x', afterMs: 100 });
  fakes.oauth.next({ denied: true, coop: true });
  fakes.oauth.nextToken({ error: 'invalid_grant' });
  const page = await context.newPage();
  await clickWithoutUserActivation(page, '#connect');
  const sent: string | undefined = fakes.vendo.requests[0]?.params.state;
  const body = fakes.oauth.tokenRequests[0]?.body?.code_verifier;
  // @ts-expect-error: no links fake was installed
  fakes.links.mint({ redirectUri: 'https://app.example/cb' });
  await fakes.uninstall();
  return `${sent}${body}`;
}
