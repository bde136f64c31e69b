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

/**
 * Playwright's wait for one action or locator, in ms (its own default is 30,000). Pages answer
 * from a local server and a sandbox at 8× speed, so 15 s is ample even on a busy 2-core machine,
 * and a page that misses the contract fails in 15 s instead of 30.
 */
export const actionTimeoutMs = 15_000;

/** A new page in a fresh context at the 1280 × 800 laptop size the web brief targets. */
export async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(actionTimeoutMs);
  return page;
}

/** Saves a full-page screenshot as test-results/screenshots/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
}
