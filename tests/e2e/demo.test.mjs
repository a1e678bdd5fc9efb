// The demo page (make demo) driven like a person would: real clicks on its buttons, a
// real popup, the event log and the result cards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, login } from './support.mjs';
import { closed } from './harness.mjs';

let ctx;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx?.close();
});

async function demoPage() {
  const page = await ctx.browser.newPage();
  const { vendoOrigin, providerOrigin, demoOrigin, oidc } = ctx.servers;
  const q = new URLSearchParams({ vendo: vendoOrigin, provider: providerOrigin, oidc: oidc.issuer });
  await page.goto(`${demoOrigin}/?${q}`);
  await page.waitForSelector('#log [data-kind="ready"]');
  return page;
}

test('connect notion from the demo: the log shows each step and a result card appears', async () => {
  const page = await demoPage();
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-notion')]);
  await popup.click('#approve');
  await page.waitForSelector('#results .result-card', { timeout: 10_000 });
  const kinds = await page.$$eval('#log [data-kind]', (rows) => rows.map((r) => r.dataset.kind));
  for (const k of ['popup_opened', 'message_accepted', 'ack_sent', 'resolved'])
    assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  assert.match(await page.textContent('#results'), /notion/i);
  await page.close();
});

test('deny and cancel from the demo show error cards with their codes', async () => {
  const page = await demoPage();
  let [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-slack')]);
  await popup.click('#wizard-connect');
  await popup.click('#deny');
  await page.waitForSelector('#results .error-card', { timeout: 10_000 });
  assert.match(await page.textContent('#results'), /access_denied/);

  [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect-notion')]);
  await page.click('#cancel');
  await closed(popup, 3_000);
  await page.waitForFunction(() => /aborted/.test(document.querySelector('#results').textContent), null, {
    timeout: 5_000,
  });
  await page.close();
});

test('the demo generates PKCE pairs and parses pasted messages and callback URLs', async () => {
  const page = await demoPage();
  await page.click('#pkce-generate');
  const out = await page.textContent('#pkce-output');
  assert.match(out, /[A-Za-z0-9_-]{43}/);
  assert.match(out, /S256/);
  await page.fill(
    '#parse-input',
    JSON.stringify({ type: 'vendo:oauth:done', provider: 'notion', connection_id: 'c1' }),
  );
  await page.waitForFunction(() => /connectionId/.test(document.querySelector('#parse-output').textContent), null, {
    timeout: 3_000,
  });
  await page.fill('#parse-input', 'https://app.example/cb?code=a&code=b&state=s');
  await page.waitForFunction(() => /invalid_response/.test(document.querySelector('#parse-output').textContent), null, {
    timeout: 3_000,
  });
  await page.close();
});

test('sign in with the local OAuth server from the demo: tokens are shown masked', async () => {
  const page = await demoPage();
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#oauth-signin')]);
  await login(popup);
  await page.waitForSelector('#results .result-card', { timeout: 15_000 });
  const text = await page.textContent('#results');
  assert.match(text, /accessToken/);
  assert.match(text, /…/, 'tokens are masked');
  await page.close();
});

test('connect via hosted link from the demo', async () => {
  const page = await demoPage();
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#hosted-link')]);
  await popup.waitForSelector('#approve');
  await popup.click('#approve');
  await page.waitForSelector('#results .result-card', { timeout: 10_000 });
  assert.match(await page.textContent('#results'), /google_sheets/);
  const kinds = await page.$$eval('#log [data-kind]', (rows) => rows.map((r) => r.dataset.kind));
  assert.ok(kinds.includes('popup_navigated'), kinds.join(','));
  await page.close();
});
