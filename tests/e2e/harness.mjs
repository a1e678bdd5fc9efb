// Launches Debian's Chromium through playwright-core: headless, no sandbox (root), no
// background networking, a fresh profile, and the popup blocker ON (no
// --disable-popup-blocking), so the tests prove popups open inside the user gesture.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright turns the popup blocker off by default; these tests need it on.
    ignoreDefaultArgs: ['--disable-popup-blocking'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Resolves once `popup` (a Playwright page) is closed, whether or not it already is. */
export async function closed(popup, timeout = 5_000) {
  if (popup.isClosed()) return;
  await popup.waitForEvent('close', { timeout });
}
