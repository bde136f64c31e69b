import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { templateCard } from './createClusterInWizard.ts';
import { findAxeViolations, formatAxeFindings } from './findAxeViolations.ts';
import { launchBrowser, openPage, saveScreenshot } from './launchBrowser.ts';
import { pollUntil } from './pollUntil.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';
import { signedInClient } from './signedInClient.ts';
import { signIn } from './signIn.ts';

// Every main page, with data in it: a full-page screenshot under test-results/screenshots/ and
// axe-core's serious and critical violations, which fail the test with rule, impact and targets.
const settle = { timeout: 30_000, interval: 100 };

let portal: PortalProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  portal = await startPortalProcess();
  browser = await launchBrowser();
  page = await openPage(browser);
  // One Ready cluster and one that waits for A100s, so the list, the detail page and its
  // "Why pending" panel all have something to show.
  const api = await signedInClient(portal.url);
  await api.createCluster({
    name: 'a100-holder',
    team: 'team-a',
    template: 'a100-1',
    workerGroups: [{ name: 'workers', replicas: 4 }],
  });
  await pollUntil(
    'a100-holder to be Ready',
    async () => (await api.getCluster('team-a', 'a100-holder')).summary.phase,
    (phase) => phase === 'Ready',
  );
  await api.createCluster({ name: 'waits-for-a100', team: 'team-a', template: 'a100-1' });
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const main = () => page.getByRole('main');

/** Waits until no Mantine skeleton is showing and nothing is marked busy. */
async function settled(): Promise<void> {
  await expect
    .poll(
      () => page.locator('.mantine-Skeleton-root[data-visible], [aria-busy="true"]').count(),
      settle,
    )
    .toBe(0);
}

/** Screenshots the page as NAME and fails on serious or critical axe violations. */
async function screenshotAndAudit(name: string): Promise<void> {
  await settled();
  await saveScreenshot(page, name);
  expect(formatAxeFindings(await findAxeViolations(page))).toEqual([]);
}

const clusterRow = () => main().getByRole('link', { name: 'waits-for-a100', exact: true });
const whyPending = () => main().getByRole('region', { name: 'Why pending' });

interface MainPage {
  name: string;
  path: string;
  /** Something that shows once the page has its data. */
  ready: () => Locator;
}

const signedInPages: MainPage[] = [
  {
    name: 'clusters-list',
    path: '/clusters',
    ready: clusterRow,
  },
  {
    name: 'create-wizard',
    path: '/clusters/new',
    ready: () => templateCard(main(), 'a100-1'),
  },
  {
    name: 'cluster-detail',
    path: '/clusters/team-a/waits-for-a100',
    ready: whyPending,
  },
  {
    name: 'cluster-detail-ready',
    path: '/clusters/team-a/a100-holder',
    ready: () => main().getByRole('heading', { name: 'Endpoints' }),
  },
  { name: 'gpus', path: '/gpus', ready: () => main().getByText('gpu-a100-1').first() },
  { name: 'templates', path: '/templates', ready: () => main().getByText('rtx4090-1').first() },
  { name: 'admin', path: '/admin', ready: () => main().getByText('team-b').first() },
  {
    name: 'about',
    path: '/about',
    ready: () =>
      main()
        .getByText(/sandbox/i)
        .first(),
  },
  {
    name: 'api-tokens',
    path: '/tokens',
    ready: () => main().getByRole('heading', { name: 'API tokens' }),
  },
];

describe('main pages: screenshots and axe-core', () => {
  it('login', async () => {
    await page.goto(`${portal.url}/login`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshotAndAudit('login');
  });

  it.each(signedInPages)('$name ($path)', async ({ name, path, ready }) => {
    if (new URL(page.url()).pathname === '/login') await signIn(page, portal.url);
    await page.goto(`${portal.url}${path}`);
    await ready().waitFor();
    await screenshotAndAudit(name);
  });

  it('clusters list and cluster detail in the dark theme', async () => {
    await page.goto(`${portal.url}/clusters`);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect
      .poll(() => page.locator('html').getAttribute('data-mantine-color-scheme'))
      .toBe('dark');
    await clusterRow().waitFor();
    await screenshotAndAudit('clusters-list-dark');

    // The choice is remembered, so it holds across a full page load.
    await page.goto(`${portal.url}/clusters/team-a/waits-for-a100`);
    await whyPending().waitFor();
    expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await screenshotAndAudit('cluster-detail-dark');
  });
});
