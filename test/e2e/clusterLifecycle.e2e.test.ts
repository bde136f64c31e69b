import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { portalTestMode } from '../support/portalTestMode.ts';
import { createClusterInWizard, templateCard } from './createClusterInWizard.ts';
import { launchBrowser, openPage, saveScreenshot } from './launchBrowser.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';
import { readClusterPhases, recordClusterPhases } from './recordClusterPhases.ts';
import { signedInClient } from './signedInClient.ts';
import { signIn } from './signIn.ts';

// One story, in order: a newcomer creates a 1-GPU cluster, watches it become Ready, scales it,
// suspends and resumes it, and deletes it. Each step starts where the previous one left the page.
const team = 'team-a';
const name = 'e2e-rtx';
const detailPath = `/clusters/${team}/${name}`;
/** The worker group the portal gives a cluster created from a template (buildRayCluster). */
const group = 'workers';
/**
 * Half the usual e2e sandbox speed: a cluster then takes about 3.5 s from create to Ready, so the
 * detail page, which renders within a second of the create on a busy 2-core machine, still sees
 * it Pending or Provisioning first.
 */
const sandboxSpeed = 4;
/** How long a simulated cluster may take to settle, allowing for a busy CI machine. */
const settle = { timeout: 30_000, interval: 100 };

let portal: PortalProcess;
let browser: Browser;
let page: Page;
let api: ApiClient;

beforeAll(async () => {
  portal = await startPortalProcess({ sandboxSpeed });
  browser = await launchBrowser();
  page = await openPage(browser);
  await recordClusterPhases(page);
  api = await signedInClient(portal.url);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const main = () => page.getByRole('main');
const phaseChip = () => main().getByTestId('cluster-phase');
const chipText = async () => (await phaseChip().textContent())?.trim();

describe('a GPU cluster from create to delete, in Chromium', () => {
  it('creates a 1-GPU cluster from the rtx4090-1 template in the wizard', async () => {
    await signIn(page, portal.url);
    await main().getByRole('heading', { name: 'Clusters', exact: true }).waitFor();
    // The header names the cluster: the portal's own sandbox, or the API server it reaches.
    await page
      .getByRole('banner')
      .getByRole('link', {
        name:
          portalTestMode() === 'deployed'
            ? /^Cluster: in-cluster https:\/\/127\.0\.0\.1:\d+$/
            : 'Sandbox',
      })
      .waitFor();
    await main().getByRole('link', { name: 'New cluster' }).click();
    const card = templateCard(main(), 'rtx4090-1');
    await card.waitFor();
    await expect.poll(() => card.textContent(), settle).toContain('Fits now');

    expect(
      await createClusterInWizard(page, { template: 'rtx4090-1', name, team, workers: 1 }),
    ).toBe(detailPath);
    await main().getByRole('heading', { name, exact: true }).waitFor();
  });

  it('shows the chip go from Pending or Provisioning to Ready live, without a reload', async () => {
    await page.evaluate(() => Reflect.set(globalThis, 'e2eSameDocument', true));
    await expect.poll(chipText, settle).toBe('Ready');

    const phases = await readClusterPhases(page, detailPath);
    expect(phases[0]).toMatch(/^(Pending|Provisioning)$/);
    expect(phases.at(-1)).toBe('Ready');
    expect(await page.evaluate(() => Reflect.get(globalThis, 'e2eSameDocument'))).toBe(true);
    await saveScreenshot(page, 'flow-cluster-ready');
  });

  it(`scales the worker group "${group}" from 1 to 2 workers`, async () => {
    const replicas = main().getByLabel(`Replicas of ${group}`, { exact: true });
    expect(await replicas.inputValue()).toBe('1');
    await replicas.fill('2');
    await main()
      .getByRole('button', { name: `Scale ${group}` })
      .click();

    await expect
      .poll(async () => (await api.getCluster(team, name)).summary.workers, settle)
      .toEqual({ ready: 2, desired: 2 });
    await expect.poll(chipText, settle).toBe('Ready');
    // The list's workers column follows over the live stream.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Clusters' })
      .click();
    const row = main()
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name }) });
    await expect
      .poll(() => row.getByRole('cell').allTextContents(), settle)
      .toContainEqual(expect.stringMatching(/^\s*2\s*(\/|of)\s*2\s*$/));
  });

  it('suspends it (chip Suspended) and resumes it to Ready, each after its confirm dialog', async () => {
    await main().getByRole('link', { name, exact: true }).click();
    await page.waitForURL((url) => url.pathname === detailPath);
    for (const [action, phase] of [
      ['Suspend', 'Suspended'],
      ['Resume', 'Ready'],
    ] as const) {
      await main().getByRole('button', { name: action, exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: `${action} cluster` }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(chipText, settle).toBe(phase);
    }
    expect((await api.getCluster(team, name)).resource.spec).not.toMatchObject({ suspend: true });
    // The next step starts from the list, as the scale step left it.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Clusters' })
      .click();
  });

  it('deletes it after the confirm dialog, and it leaves the list', async () => {
    await main().getByRole('link', { name, exact: true }).click();
    await page.waitForURL((url) => url.pathname === detailPath);
    await main().getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await saveScreenshot(page, 'flow-delete-dialog');
    // Nothing is deleted before the confirmation.
    expect((await api.listClusters({ team })).total).toBe(1);
    await dialog.getByRole('button', { name: 'Delete cluster' }).click();
    await dialog.waitFor({ state: 'detached' });

    if (new URL(page.url()).pathname !== '/clusters') {
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Clusters' })
        .click();
    }
    await main().getByRole('heading', { name: 'Clusters', exact: true }).waitFor();
    await expect
      .poll(() => main().getByRole('link', { name, exact: true }).count(), settle)
      .toBe(0);
    await expect.poll(async () => (await api.listClusters({ team })).total, settle).toBe(0);
  });
});
