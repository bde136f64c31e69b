import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { launchBrowser, openPage, saveScreenshot } from './launchBrowser.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';
import { readClusterPhases, recordClusterPhases } from './recordClusterPhases.ts';
import { signedInClient } from './signedInClient.ts';
import { signIn } from './signIn.ts';

// One cluster through every everyday phase, on one detail page that stays open (no reload):
// created (Pending or Provisioning, then Ready), scaled up (Scaling, never Degraded, then
// Ready), scaled down (Ready), suspended (Suspending or Suspended), resumed (Ready again, the
// suspension still in the timeline). The recorder keeps every chip text, so a phase that lasts
// a moment is seen too.
const team = 'team-a';
const name = 'e2e-phases';
const detailPath = `/clusters/${team}/${name}`;
/** The worker group the portal gives a cluster created from a template (buildRayCluster). */
const group = 'workers';
/** A slow sandbox, so that every phase lasts long enough for the page to show it. */
const sandboxSpeed = 4;
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
const chipText = async () => (await main().getByTestId('cluster-phase').textContent())?.trim();
/** The chip's texts since the last mark, repeats collapsed. */
let mark = 0;
async function phasesSinceMark(): Promise<string[]> {
  return (await readClusterPhases(page, detailPath)).slice(mark);
}
async function setMark(): Promise<void> {
  mark = (await readClusterPhases(page, detailPath)).length;
}
async function confirm(button: string, dialogButton: string): Promise<void> {
  await main().getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: dialogButton }).click();
  await dialog.waitFor({ state: 'detached' });
}
async function scaleTo(replicas: number): Promise<void> {
  await main().getByLabel(`Replicas of ${group}`, { exact: true }).fill(String(replicas));
  await main()
    .getByRole('button', { name: `Scale ${group}` })
    .click();
}

describe('a cluster through create, scale up and down, suspend and resume', () => {
  it('is Pending or Provisioning, then Ready, after create', async () => {
    await signIn(page, portal.url);
    // Created through the API (the wizard has its own test), with 1 of the template's workers
    // and no floor, so it can be scaled down later.
    const created = await api.createCluster({
      name,
      team,
      template: 'rtx4090-1',
      workerGroups: [{ name: group, replicas: 1 }],
    });
    expect(created.manifest.spec.workerGroupSpecs?.[0]?.minReplicas).toBe(0);
    // The list server sorts as asked (the web page sends sort/order and never re-sorts).
    const sorted = await api.listClusters({ team, sort: 'phase', order: 'desc' });
    expect(sorted.items.map((row) => row.name)).toContain(name);
    await page.goto(`${portal.url}${detailPath}`);
    // Read-your-writes: the page never says "not found" for the cluster just created.
    await main().getByRole('heading', { name, exact: true }).waitFor();
    await expect.poll(chipText, settle).toBe('Ready');
    const phases = await phasesSinceMark();
    expect(phases.at(-1)).toBe('Ready');
    expect(phases.filter((phase) => phase !== 'Ready')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(Pending|Provisioning)$/)]),
    );
    expect(await main().getByText('Cluster not found').count()).toBe(0);
  });

  it('says Scaling, not Degraded, while a second worker starts, then Ready', async () => {
    await setMark();
    await scaleTo(2);
    await expect
      .poll(async () => (await api.getCluster(team, name)).summary.workers, settle)
      .toEqual({ ready: 2, desired: 2 });
    await expect.poll(chipText, settle).toBe('Ready');
    const phases = await phasesSinceMark();
    expect(phases).toContain('Scaling');
    expect(phases).not.toContain('Degraded');
    expect(phases.at(-1)).toBe('Ready');
  });

  it('stays Ready when scaled back down to 1 worker', async () => {
    await setMark();
    await scaleTo(1);
    await expect
      .poll(async () => (await api.getCluster(team, name)).summary.workers.desired, settle)
      .toBe(1);
    await expect.poll(chipText, settle).toBe('Ready');
    expect(await phasesSinceMark()).not.toContain('Degraded');
    expect(
      await main()
        .getByText(/must be at least minReplicas/)
        .count(),
    ).toBe(0);
  });

  it('is Suspending, then Suspended, with no dashboard to open and nothing "pending"', async () => {
    await setMark();
    await confirm('Suspend', 'Suspend cluster');
    await expect.poll(chipText, settle).toBe('Suspended');
    const phases = await phasesSinceMark();
    expect(phases.every((phase) => /^(Ready|Suspending|Suspended)$/.test(phase))).toBe(true);
    await expect
      .poll(() => main().getByRole('button', { name: 'Open Ray dashboard' }).isDisabled(), settle)
      .toBe(true);
    expect(await main().getByRole('region', { name: 'Why pending' }).count()).toBe(0);
    await saveScreenshot(page, 'flow-cluster-suspended');
  });

  it('is Ready again after resume, and the timeline remembers the suspension', async () => {
    await setMark();
    await confirm('Resume', 'Resume cluster');
    await expect.poll(chipText, settle).toBe('Ready');
    expect((await phasesSinceMark()).at(-1)).toBe('Ready');
    const timeline = main().getByRole('region', { name: 'Timeline' });
    await expect.poll(() => timeline.textContent(), settle).toContain('Resumed');
    expect(await timeline.textContent()).toContain('Suspended');
    expect(
      await main().getByRole('link', { name: 'Open Ray dashboard' }).getAttribute('href'),
    ).toBe(`/api/v1/clusters/${team}/${name}/dashboard/`);
  });
});
