import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { type Browser, chromium, type Page } from 'playwright-core';

import { chromiumPath } from './ensureChromium.ts';

/** Screenshots of main pages land here (git-ignored). */
export const screenshotDir = fileURLToPath(
  new URL('../../test-results/screenshots', import.meta.url),
);

/**
 * Launches Debian's Chromium headless. The flags keep it off the network: this machine's closed
 * network otherwise refuses Chromium's background connections at every start.
 */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as test-results/screenshots/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
}
