/**
 * OIDC sign-in in the deployed mode: the kit's portal (homelab overlay, run as its pod against
 * an RBAC sandbox) configured as docs/deploy.md says — settings in the ConfigMap, the client
 * secret in the Secret raydeck-secrets — signs a user in through a real OIDC provider
 * (oidc-provider on loopback) into the team their group names.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CookieBrowser } from '../support/cookieBrowser.ts';
import { freePort } from '../support/freePort.ts';
import { type DeployedPortal, startDeployedPortal } from '../support/startDeployedPortal.ts';
import { type OidcTestProvider, startOidcProvider } from '../support/startOidcProvider.ts';

let provider: OidcTestProvider;
let portal: DeployedPortal;
let base: URL;

beforeAll(async () => {
  const port = await freePort();
  base = new URL(`http://127.0.0.1:${port}`);
  const redirectUri = new URL('/api/v1/auth/oidc/callback', base).href;
  provider = await startOidcProvider({
    redirectUri,
    postLogoutRedirectUri: new URL('/login', base).href,
    accounts: { 'sub-ana': { username: 'ana', name: 'Ana', groups: ['ml-team-a'] } },
  });
  const settings = {
    RAYDECK_OIDC_ISSUER: provider.issuer.href,
    RAYDECK_OIDC_CLIENT_ID: provider.clientId,
    RAYDECK_OIDC_REDIRECT_URI: redirectUri,
    RAYDECK_OIDC_TEAM_GROUPS: 'team-a=ml-team-a',
  };
  portal = await startDeployedPortal({
    world: false,
    port,
    secretSettings: { RAYDECK_OIDC_CLIENT_SECRET: provider.clientSecret },
    editKit: (objects) =>
      objects.map((object) =>
        object.kind === 'ConfigMap' && object.metadata.name.startsWith('raydeck-config')
          ? { ...object, data: { ...(object['data'] ?? {}), ...settings } }
          : object,
      ),
  });
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await provider?.close();
});

describe('OIDC in the deployed portal', () => {
  it('signs a member of ml-team-a into team-a, with the client secret from the Secret', async () => {
    const browser = new CookieBrowser();
    const toProvider = (next: URL): boolean => next.origin === provider.issuer.origin;
    const started = await browser.navigate(
      new URL('/api/v1/auth/oidc/login', portal.url),
      toProvider,
    );
    expect(started.url.pathname).toMatch(/^\/interaction\//);
    await browser.navigate(
      new URL(`${started.url.pathname}/login`, provider.issuer),
      (next) => toProvider(next) || next.pathname === '/api/v1/auth/oidc/callback',
      { form: { subject: 'sub-ana' } },
    );
    const me = await browser.request(new URL('/api/v1/auth/me', portal.url));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { username: 'ana', role: 'member', teams: ['team-a'] },
    });
    expect(portal.env['RAYDECK_OIDC_CLIENT_SECRET']).toBe(provider.clientSecret);
    expect(portal.output()).not.toContain(provider.clientSecret);
  });

  it('offers SSO beside the break-glass local accounts', async () => {
    const methods = await fetch(new URL('/api/v1/auth/methods', portal.url));
    expect(await methods.json()).toEqual({ local: true, oidcLoginPath: '/api/v1/auth/oidc/login' });
  });
});
