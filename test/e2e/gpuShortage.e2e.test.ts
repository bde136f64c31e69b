import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { createClusterInWizard, templateCard } from './createClusterInWizard.ts';
import { chooseOption, labelledField } from './labelledField.ts';
import { launchBrowser, openPage, saveScreenshot } from './launchBrowser.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';
import { signedInClient } from './signedInClient.ts';
import { signIn } from './signIn.ts';

// The default sandbox world has one node with 4 A100s (no quota in team-a) and one with 2 RTX
// 4090s; team-b's ResourceQuota allows 2 GPUs. Templates cap a cluster at 4 A100 workers, so
// "more A100s than exist" is a cluster holding all 4 plus one more asked for in the wizard.
const settle = { timeout: 30_000, interval: 100 };

let portal: PortalProcess;
let browser: Browser;
let page: Page;
let api: ApiClient;

beforeAll(async () => {
  portal = await startPortalProcess();
  browser = await launchBrowser();
  page = await openPage(browser);
  api = await signedInClient(portal.url);
  await signIn(page, portal.url);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const main = () => page.getByRole('main');
const whyPending = () => main().getByRole('region', { name: 'Why pending' });

/** Creates a cluster through the REST API and waits until all its workers are ready. */
async function holdGpus(team: string, name: string, template: string, workers: number) {
  await api.createCluster({
    name,
    team,
    template,
    workerGroups: [{ name: 'workers', replicas: workers }],
  });
  await expect
    .poll(async () => (await api.getCluster(team, name)).summary.workers.ready, settle)
    .toBe(workers);
}

describe('why a GPU cluster is pending, in Chromium', () => {
  it('shows the scheduler’s reason when a cluster asks for more A100s than exist', async () => {
    await holdGpus('team-a', 'a100-holder', 'a100-1', 4);

    await main().getByRole('heading', { name: 'Clusters', exact: true }).waitFor();
    await main().getByRole('link', { name: 'New cluster' }).click();
    const card = templateCard(main(), 'a100-1');
    await card.waitFor();
    await expect.poll(() => card.textContent(), settle).not.toContain('Fits now');

    await createClusterInWizard(page, {
      template: 'a100-1',
      name: 'e2e-a100',
      team: 'team-a',
      workers: 1,
    });
    await main().getByRole('heading', { name: 'e2e-a100', exact: true }).waitFor();
    await expect
      .poll(() => whyPending().textContent(), settle)
      .toMatch(/Insufficient nvidia\.com\/gpu/);
    // The plain-English summary names who holds the GPUs.
    expect(await whyPending().textContent()).toContain('team-a/a100-holder');
    expect(await main().getByTestId('cluster-phase').textContent()).not.toMatch(/Ready/);
    await saveScreenshot(page, 'why-pending-a100');
  });

  it('shows team-b’s GPU quota of 2 in the wizard and in the why-pending panel', async () => {
    await holdGpus('team-b', 'b-holder', 'rtx4090-1', 2);

    // The header's team select picks the team the pages show and the wizard starts with.
    await chooseOption(labelledField(page.getByRole('banner'), 'Team'), 'team-b');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Clusters' })
      .click();
    await main().getByRole('link', { name: 'New cluster' }).click();
    const card = templateCard(main(), 'rtx4090-1');
    await expect.poll(() => card.textContent(), settle).toMatch(/quota allows 0 more GPUs/);
    await saveScreenshot(page, 'create-wizard-quota');

    await createClusterInWizard(page, {
      template: 'rtx4090-1',
      name: 'e2e-quota',
      team: 'team-b',
      workers: 1,
    });
    await expect
      .poll(() => whyPending().textContent(), settle)
      .toContain("team-b's quota allows 2 GPUs, 2 used");
    await saveScreenshot(page, 'why-pending-quota');
  });
});
