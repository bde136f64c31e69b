import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxTemplates } from '../../src/server/services/TemplateService.ts';
import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { portalTestMode } from '../support/portalTestMode.ts';
import { launchBrowser, openPage, saveScreenshot } from './launchBrowser.ts';
import { pollUntil } from './pollUntil.ts';
import { e2eAdmin, type PortalProcess, startPortalProcess } from './portalProcess.ts';
import {
  freeLoopbackPort,
  type SandboxProcess,
  type SandboxProcessOptions,
  startSandboxProcess,
} from './sandboxProcess.ts';
import { signedInClient } from './signedInClient.ts';
import { signIn } from './signIn.ts';

// The portal reaches a `raydeck sandbox` process through a kubeconfig, as it would a real
// cluster; the test stops that process under the running portal and starts it again on the same
// port with the same state file. ConnectionHealth waits 10 s (its grace, not a setting) before
// it calls the connection degraded, and the informers' retry backoff (1 s doubling, ±20 %) decides
// how soon after the restart they list again (6–19 s seen), so this file takes 30–50 s.
const team = 'team-a';
const template = 'cpu-small';
/** Degraded after the 10 s grace plus a 1 s check interval; 30 s allows for a busy machine. */
const degradedWithin = { timeout: 30_000, interval: 200 };
/**
 * The informers' retry delay doubles per failure (1, 2, 4, 8, 16 s): an outage of about 12 s can
 * leave them up to ~16 s from their next try when the API server is back, so 45 s.
 */
const recoveredWithin = { timeout: 45_000, interval: 200 };
/** How long a list row may take to appear over the live stream. */
const live = { timeout: 15_000, interval: 100 };

const deployed = portalTestMode() === 'deployed';
let folder: string;
let sandboxOptions: SandboxProcessOptions;
let sandbox: SandboxProcess | undefined;
let portal: PortalProcess;
let browser: Browser;
let page: Page;
let api: ApiClient;

beforeAll(async () => {
  if (deployed) return;
  folder = mkdtempSync(join(tmpdir(), 'raydeck-e2e-outage-'));
  sandboxOptions = {
    port: await freeLoopbackPort(),
    kubeconfig: join(folder, 'kubeconfig'),
    state: join(folder, 'state.json'),
  };
  sandbox = await startSandboxProcess(sandboxOptions);
  portal = await startPortalProcess({ kubeconfig: sandboxOptions.kubeconfig });
  // What the embedded sandbox would seed: the admin in a team, and a template to create from.
  api = await signedInClient(portal.url);
  await api.createTeam({ name: team });
  await api.setTeamMembers(team, [e2eAdmin.username]);
  const starter = sandboxTemplates.find((candidate) => candidate.name === template);
  if (!starter) throw new Error(`no starter template ${template}`);
  await api.createTemplate(starter);
  await pollUntil(
    `template ${template} to be listed`,
    async () => (await api.listTemplates()).items.map((item) => item.name),
    (names) => names.includes(template),
  );
  browser = await launchBrowser();
  page = await openPage(browser);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await sandbox?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const main = () => page.getByRole('main');
const clusterLink = (name: string) => main().getByRole('link', { name, exact: true });
/** The banner ConnectionBanner shows while the portal's Kubernetes connection is degraded. */
const degradedBanner = () =>
  page.getByRole('status').filter({ hasText: 'Kubernetes connection degraded' });
/** The other banner: the browser lost the portal's own stream (must not show here). */
const pausedBanner = () => page.getByRole('status').filter({ hasText: 'Live updates paused' });

/** Creates a cluster through the API and waits until the portal's cache lists it. */
async function createCluster(name: string): Promise<void> {
  await api.createCluster({ name, team, template });
  await pollUntil(
    `${name} in the portal's list`,
    async () => (await api.listClusters({ team })).items.map((item) => item.name),
    (names) => names.includes(name),
  );
}

describe.skipIf(deployed)('the connection banner while the Kubernetes API is down', () => {
  it('shows no banner while Kubernetes answers', async () => {
    await createCluster('before-outage');
    expect(await signIn(page, portal.url)).toBe('/clusters');
    await main().getByRole('heading', { name: 'Clusters', exact: true }).waitFor();
    await clusterLink('before-outage').waitFor();
    expect(await degradedBanner().count()).toBe(0);
    expect(await pausedBanner().count()).toBe(0);
  });

  it('says the connection is degraded, naming the unanswered watches, once the API stops', async () => {
    await sandbox?.stop();
    sandbox = undefined;
    await expect.poll(() => degradedBanner().count(), degradedWithin).toBe(1);
    const text = await degradedBanner().textContent();
    expect(text).toContain('Kubernetes connection degraded');
    expect(text).toContain("Kubernetes is not answering the portal's watch of");
    expect(text).toContain('what you see may be out of date');
    // The browser's own stream to the portal stayed up: only Kubernetes is away.
    expect(await pausedBanner().count()).toBe(0);
    await saveScreenshot(page, 'connection-degraded');
  }, 60_000);

  it('clears the banner once the API is back on the same port with the same state', async () => {
    sandbox = await startSandboxProcess(sandboxOptions);
    await expect.poll(() => degradedBanner().count(), recoveredWithin).toBe(0);
    expect(await pausedBanner().count()).toBe(0);
  }, 60_000);

  it('lists the cluster from before the outage, and one created after it appears live', async () => {
    await clusterLink('before-outage').waitFor();
    await page.evaluate(() => Reflect.set(globalThis, 'e2eSameDocument', true));
    await createCluster('after-outage');
    await expect.poll(() => clusterLink('after-outage').count(), live).toBe(1);
    expect(await clusterLink('before-outage').count()).toBe(1);
    // Seen without a reload: the page's live stream delivered it.
    expect(await page.evaluate(() => Reflect.get(globalThis, 'e2eSameDocument'))).toBe(true);
  }, 60_000);
});
