import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../support/freePort.ts';
import { portalTestMode } from '../support/portalTestMode.ts';
import { type OidcTestProvider, startOidcProvider } from '../support/startOidcProvider.ts';
import { createClusterInWizard } from './createClusterInWizard.ts';
import { launchBrowser, openPage } from './launchBrowser.ts';
import { type PortalProcess, startPortalProcess } from './portalProcess.ts';

// Issue 17's acceptance in Chromium: sign in through a real OIDC provider on loopback
// (oidc-provider) as a member of group ml-team-a, land in team-a and create a cluster there;
// a member of platform-admins sees the admin pages. The deployed mode takes its settings from
// the kit only, so this suite runs on the built portal with --oidc-* flags.
const deployed = portalTestMode() === 'deployed';

let provider: OidcTestProvider;
let portal: PortalProcess;
let browser: Browser;

beforeAll(async () => {
  if (deployed) return;
  const base = `http://127.0.0.1:${await freePort()}`;
  provider = await startOidcProvider({
    redirectUri: `${base}/api/v1/auth/oidc/callback`,
    postLogoutRedirectUri: `${base}/login`,
    accounts: {
      'sub-ana': { username: 'ana', name: 'Ana of team A', groups: ['ml-team-a'] },
      'sub-ops': { username: 'ops', name: 'Platform Ops', groups: ['platform-admins'] },
    },
  });
  portal = await startPortalProcess({
    extraArgs: [
      '--port',
      new URL(base).port,
      '--oidc-issuer',
      provider.issuer.href,
      '--oidc-client-id',
      provider.clientId,
      '--oidc-client-secret',
      provider.clientSecret,
      '--oidc-redirect-uri',
      `${base}/api/v1/auth/oidc/callback`,
      '--oidc-admin-groups',
      'platform-admins',
      '--oidc-team-groups',
      'team-a=ml-team-a,team-b=ml-team-b',
    ],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await provider?.close();
});

/** Signs in with SSO from the login page, as `subject` at the provider's sign-in form. */
async function signInWithSso(page: Page, subject: string): Promise<void> {
  await page.goto(new URL('/login', portal.url).href);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByLabel('Subject').fill(subject);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === portal.url && url.pathname !== '/login');
}

describe.skipIf(deployed)('OIDC sign-in in Chromium', () => {
  it('signs a member of ml-team-a into team-a, where they create a cluster', async () => {
    const page = await openPage(browser);
    await signInWithSso(page, 'sub-ana');
    expect(new URL(page.url()).pathname).toBe('/clusters');
    const detail = await createClusterInWizard(page, {
      template: 'rtx4090-1',
      name: 'ana-first',
      team: 'team-a',
      workers: 1,
    });
    expect(detail).toBe('/clusters/team-a/ana-first');
    await page.close();
  });

  it('shows the admin pages to a member of platform-admins', async () => {
    const page = await openPage(browser);
    await signInWithSso(page, 'sub-ops');
    await page.goto(new URL('/admin', portal.url).href);
    await expect
      .poll(async () => page.getByRole('tab', { name: /Users/ }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await page.getByText('Admins only').count()).toBe(0);
    await page.close();
  });
});
