import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { labelledField } from './labelledField.ts';
import { launchBrowser, openPage, saveScreenshot } from './launchBrowser.ts';
import { e2eAdmin, type PortalProcess, startPortalProcess } from './portalProcess.ts';
import { signIn } from './signIn.ts';

let portal: PortalProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  portal = await startPortalProcess();
  browser = await launchBrowser();
  page = await openPage(browser);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('signing in and the app frame in Chromium', () => {
  it('sends a visitor to /login and shows the server’s wrong-password message', async () => {
    await page.goto(portal.url);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await page.title()).toBe('Raydeck');

    await page.getByLabel('Username', { exact: true }).fill(e2eAdmin.username);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/invalid|wrong|incorrect/i);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('signs in and lands on Clusters with every section in the navigation', async () => {
    expect(await signIn(page, portal.url)).toBe('/clusters');
    consoleErrors.length = 0; // the 401s of the signed-out visit above are expected
    await page.getByRole('heading', { name: 'Clusters', exact: true }).waitFor();

    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual([
      'Clusters',
      'Jobs',
      'Services',
      'GPUs',
      'Usage',
      'Templates',
      'Admin',
    ]);
    // The version badge proves the page reached the real server's API.
    await expect
      .poll(() => page.getByTestId('server-version').textContent())
      .toMatch(/^v\d+\.\d+\.\d+/);
  });

  it('offers the sandbox teams in the header’s team select', async () => {
    const team = labelledField(page.getByRole('banner'), 'Team');
    await expect
      .poll(() => team.locator('option').allTextContents(), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['team-a', 'team-b']));
  });

  it('follows navigation and survives a reload on a deep link', async () => {
    await page.getByRole('link', { name: 'GPUs' }).click();
    await page.getByRole('heading', { name: 'GPUs', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'GPUs', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/gpus');
  });

  it('switches to the dark theme', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect
      .poll(() => page.locator('html').getAttribute('data-mantine-color-scheme'))
      .toBe('dark');
    await saveScreenshot(page, 'frame-gpus-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('opens About from the account menu, signs out, and signs in back to a deep link', async () => {
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'About' }).click();
    await page.waitForURL((url) => url.pathname === '/about');

    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');

    await page.goto(`${portal.url}/templates`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/templates');
    await page.getByLabel('Username', { exact: true }).fill(e2eAdmin.username);
    await page.getByLabel('Password', { exact: true }).fill(e2eAdmin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/templates');
  });

  it('logged no console errors while signed in', () => {
    // Signing out and the signed-out visit to /templates answer 401 by design.
    expect(consoleErrors.filter((text) => !/status of 401/.test(text))).toEqual([]);
  });
});
