import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { launchBrowser, openPage } from './launchBrowser.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';
import { signedInClient } from './signedInClient.ts';
import { signIn } from './signIn.ts';

// One story, in order: serve_hello deployed as a RayService from a template goes Ready live,
// answers a request sent through the portal, is upgraded to a new cluster (traffic switches),
// and is deleted. Then a bad Serve config is refused before create with its line marked.
const team = 'team-a';
const name = 'e2e-hello';
const detailPath = `/services/${team}/${name}`;
/** How long the simulated world may take, allowing for a busy 2-core machine. */
const settle = { timeout: 60_000, interval: 200 };

let portal: PortalProcess;
let browser: Browser;
let page: Page;
let api: ApiClient;

beforeAll(async () => {
  portal = await startPortalProcess();
  browser = await launchBrowser();
  page = await openPage(browser);
  api = await signedInClient(portal.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const main = () => page.getByRole('main');
const stateText = async () => (await main().getByTestId('service-state').textContent())?.trim();

describe('a Ray Serve service from create to delete, in Chromium', () => {
  it('deploys serve_hello from a template after a dry run', async () => {
    await signIn(page, portal.url, { next: '/services' });
    await main().getByRole('heading', { name: 'Services', exact: true }).waitFor();
    await main().getByRole('link', { name: 'Deploy a service' }).click();
    await main().getByRole('heading', { name: 'Deploy a service' }).waitFor();
    await main().getByLabel('Name', { exact: true }).fill(name);
    await main().getByLabel('Team', { exact: true }).fill(team);
    await main().getByLabel('Template', { exact: true }).click();
    await page.getByRole('option', { name: 'cpu-small', exact: true }).click();
    // The serve_hello sample is the starting point.
    expect(await main().getByLabel('Serve config (serveConfigV2)').inputValue()).toContain(
      'import_path: serve_hello:app_builder',
    );
    await main().getByRole('button', { name: 'Dry run' }).click();
    await main().getByText('Dry run passed').waitFor();
    await main().getByRole('button', { name: 'Create service' }).click();
    await page.waitForURL((url) => url.pathname === detailPath);
  });

  it('goes Ready live and answers a request sent through the portal', async () => {
    await expect.poll(stateText, settle).toBe('Ready');
    await main().getByTestId('cluster-active').waitFor();
    await main().getByLabel('Path', { exact: true }).fill('/hello?name=e2e');
    await main().getByRole('button', { name: 'Send', exact: true }).click();
    const result = main().getByTestId('request-result');
    await expect.poll(() => result.textContent(), settle).toContain('hello from Ray Serve, e2e');
    expect(await result.textContent()).toContain('Status 200');
  }, 120_000);

  it('upgrades to a new cluster after explaining it, and switches traffic', async () => {
    const before = (await api.getService(team, name)).summary.activeCluster;
    expect(before).not.toBeNull();
    await main()
      .getByLabel(/Cluster environment variable/)
      .fill('E2E_UPGRADE=1');
    await main().getByRole('button', { name: 'Review update' }).click();
    await main()
      .getByText(/starts a new cluster beside the current one/)
      .waitFor();
    await main().getByRole('button', { name: 'Confirm update' }).click();
    // The pending cluster appears beside the active one while the old one keeps serving.
    await main().getByTestId('cluster-pending').waitFor({ timeout: settle.timeout });
    await main()
      .getByText(/traffic still on the old cluster/)
      .waitFor();
    await expect
      .poll(async () => (await api.getService(team, name)).summary.activeCluster, settle)
      .not.toBe(before);
    await expect.poll(stateText, settle).toBe('Ready');
    await main().getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => main().getByTestId('request-result').textContent(), settle)
      .toContain('hello from Ray Serve');
  }, 180_000);

  it('deletes the service', async () => {
    await main().getByRole('button', { name: 'Delete service' }).click();
    await page.waitForURL((url) => url.pathname === '/services');
    await expect
      .poll(async () => (await api.listServices()).items.some((item) => item.name === name), settle)
      .toBe(false);
  });

  it('refuses a bad import path and an unknown field before create, marking their lines', async () => {
    await page.goto(new URL('/services/new', portal.url).href);
    const editor = main().getByLabel('Serve config (serveConfigV2)');
    await editor.waitFor();
    const text = await editor.inputValue();
    await editor.fill(
      text
        .replace('serve_hello:app_builder', 'serve_hello.py')
        .replace('num_replicas: 2', 'num_replicas: 2\n        replicas: 3'),
    );
    const problems = main().getByTestId('serve-config-problem');
    await expect.poll(() => problems.count()).toBe(2);
    expect(await problems.allTextContents()).toEqual([
      expect.stringMatching(/^Line 3: applications\[0\]\.import_path: must be "module:attribute"/),
      expect.stringMatching(/^Line 8: .*unknown field "replicas"/),
    ]);
    const marked = main().locator('[data-invalid="true"]');
    expect(await marked.allTextContents()).toEqual(['3', '8']);
    expect(await main().getByRole('button', { name: 'Dry run' }).isDisabled()).toBe(true);
    expect(await main().getByRole('button', { name: 'Create service' }).isDisabled()).toBe(true);
    // The server refuses the same config on its own, naming the field and line.
    const refused = await api
      .dryRunService({
        name: 'e2e-bad',
        team,
        template: 'cpu-small',
        serveConfigV2: await editor.inputValue(),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(String(refused)).toMatch(/ValidationFailed|serveConfigV2/);
    expect((await api.listServices()).items.map((item) => item.name)).not.toContain('e2e-bad');
  });
});
