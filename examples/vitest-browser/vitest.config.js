// Vitest browser mode with Playwright, on Debian's Chromium (never `playwright install`),
// headless. Clicks go through the provider (`userEvent.click`): real input, with the user
// activation a popup needs; the browser's popup blocker stays on, as in production.
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  server: { host: '127.0.0.1' },
  test: {
    include: ['test/**/*.test.js'],
    testTimeout: 20_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
          ignoreDefaultArgs: ['--disable-popup-blocking'],
          args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
