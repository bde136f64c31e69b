import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, saveScreenshot } from './launchBrowser.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';

let portal: PortalProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  portal = await startPortalProcess();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('the app frame in Chromium', () => {
  it('loads at / and lands on Clusters with every section in the navigation', async () => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(portal.url);
    await page.getByRole('heading', { level: 2, name: 'Clusters' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/clusters');
    expect(await page.title()).toBe('Raydeck');

    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual([
      'Clusters',
      'Jobs',
      'Services',
      'GPUs',
      'Templates',
      'Admin',
    ]);
    // The version badge proves the page reached the real server's API.
    await expect
      .poll(() => page.getByTestId('server-version').textContent())
      .toMatch(/^v\d+\.\d+\.\d+/);
    await saveScreenshot(page, 'app-frame');
    expect(consoleErrors).toEqual([]);
  });

  it('follows navigation and survives a reload on a deep link', async () => {
    await page.getByRole('link', { name: 'GPUs' }).click();
    await page.getByRole('heading', { level: 2, name: 'GPUs' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'GPUs' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/gpus');
  });

  it('switches to the dark theme', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect
      .poll(() => page.locator('html').getAttribute('data-mantine-color-scheme'))
      .toBe('dark');
    await saveScreenshot(page, 'app-frame-dark');
  });
});
