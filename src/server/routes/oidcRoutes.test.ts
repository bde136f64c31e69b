import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import { CookieBrowser } from '../../../test/support/cookieBrowser.ts';
import { freePort } from '../../../test/support/freePort.ts';
import {
  type OidcTestAccount,
  type OidcTestProvider,
  startOidcProvider,
} from '../../../test/support/startOidcProvider.ts';
import type { OidcSignInOptions } from '../auth/OidcSignIn.ts';
import { oidcSignInFromConfig } from '../auth/oidcSignInFromConfig.ts';
import { sessionCookieName } from '../auth/sessionCookie.ts';
import { TeamStore } from '../auth/TeamStore.ts';

/**
 * OIDC sign-in against a real provider: the certified `oidc-provider` library on 127.0.0.1,
 * driven by a fetch browser with a cookie jar through the whole code flow.
 */

const accounts: Record<string, OidcTestAccount> = {
  'sub-alice': { username: 'alice', name: 'Alice A.', groups: ['ml-team-a', 'staff'] },
  'sub-root': { username: 'admin', name: 'Platform Admin', groups: ['platform-admins'] },
  'sub-vic': { username: 'vic', name: 'Vic', groups: ['ml-team-b-readers'] },
  'sub-nobody': { username: 'nobody', name: 'No Groups', groups: ['staff'] },
};

interface World {
  portal: AuthTestApp;
  provider: OidcTestProvider;
  base: URL;
}

let world: World | undefined;

/** Provider and portal share one frozen date (timers stay real): no test reads the real date. */
const signInTime = new Date('2026-12-01T09:00:00Z');
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: signInTime });
});
afterEach(async () => {
  await world?.portal.close();
  await world?.provider.close();
  world = undefined;
  vi.useRealTimers();
});

async function start(extra: Pick<OidcSignInOptions, 'now' | 'fetch'> = {}): Promise<World> {
  const base = new URL(`http://127.0.0.1:${await freePort()}`);
  const provider = await startOidcProvider({
    redirectUri: new URL('/api/v1/auth/oidc/callback', base).href,
    postLogoutRedirectUri: new URL('/login', base).href,
    accounts,
  });
  const oidc = oidcSignInFromConfig(
    {
      oidcIssuer: provider.issuer,
      oidcClientId: provider.clientId,
      oidcClientSecret: provider.clientSecret,
      oidcClientSecretFile: undefined,
      oidcRedirectUri: new URL('/api/v1/auth/oidc/callback', base),
      oidcPostLogoutRedirectUri: undefined,
      oidcScopes: ['openid', 'profile', 'groups'],
      oidcUsernameClaim: 'preferred_username',
      oidcGroupsClaim: 'groups',
      oidcAdminGroups: ['platform-admins'],
      oidcTeamGroups: 'team-a=ml-team-a,team-b=ml-team-b',
      oidcTeamViewerGroups: 'team-b=ml-team-b-readers',
    },
    extra,
  );
  const portal = await authTestApp({ ...(oidc ? { oidc } : {}) });
  const teams = new TeamStore(portal.db);
  for (const name of ['team-a', 'team-b']) {
    await teams.create({ name, displayName: name, description: '' });
  }
  await portal.app.listen({ host: '127.0.0.1', port: Number(base.port) });
  world = { portal, provider, base };
  return world;
}

/** Signs in as `subject` through the provider; returns where the portal finally sent us. */
async function signIn(
  { base, provider }: World,
  browser: CookieBrowser,
  subject: string,
): Promise<URL> {
  const toProvider = (next: URL): boolean => next.origin === provider.issuer.origin;
  const started = await browser.navigate(
    new URL('/api/v1/auth/oidc/login?returnTo=%2Fclusters%3Fteam%3Dteam-a', base),
    toProvider,
  );
  expect(started.response.status).toBe(200);
  expect(started.url.pathname).toMatch(/^\/interaction\//);
  // The provider's sign-in form; its redirect chain ends at the portal's callback.
  const finished = await browser.navigate(
    new URL(`${started.url.pathname}/login`, provider.issuer),
    (next) => toProvider(next) || next.pathname === '/api/v1/auth/oidc/callback',
    { form: { subject } },
  );
  const location = finished.response.headers.get('location');
  expect(finished.url.pathname).toBe('/api/v1/auth/oidc/callback');
  expect(finished.response.status).toBe(303);
  return new URL(location ?? '', base);
}

async function me(
  base: URL,
  browser: CookieBrowser,
): Promise<{ status: number; body: { user?: Record<string, unknown> } }> {
  const response = await browser.request(new URL('/api/v1/auth/me', base));
  return {
    status: response.status,
    body: (await response.json()) as { user?: Record<string, unknown> },
  };
}

describe('OIDC sign-in against a loopback oidc-provider', () => {
  it('signs a team member in through the code flow, into their team and back where they were', async () => {
    const w = await start();
    const browser = new CookieBrowser();
    const landed = await signIn(w, browser, 'sub-alice');
    expect(landed.pathname + landed.search).toBe('/clusters?team=team-a');
    const session = browser.cookie('127.0.0.1', sessionCookieName);
    expect(session).toEqual(expect.any(String));
    const { status, body } = await me(w.base, browser);
    expect(status).toBe(200);
    expect(body.user).toMatchObject({
      username: 'alice',
      displayName: 'Alice A.',
      role: 'member',
      teams: ['team-a'],
      via: 'session',
    });
    const audit = await w.portal.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'result'])
      .where('action', 'in', ['auth.login', 'user.provision'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'user.provision', actor: 'system', result: 'success' },
      { action: 'auth.login', actor: 'alice', result: 'success' },
    ]);
  });

  it('maps the admin group to admin, viewer groups to read-only, and refuses unmapped users', async () => {
    const w = await start();
    const admin = new CookieBrowser();
    await signIn(w, admin, 'sub-root');
    expect((await me(w.base, admin)).body.user).toMatchObject({ role: 'admin' });
    const viewer = new CookieBrowser();
    await signIn(w, viewer, 'sub-vic');
    expect((await me(w.base, viewer)).body.user).toMatchObject({
      role: 'viewer',
      teams: ['team-b'],
    });
    const nobody = new CookieBrowser();
    const landed = await signIn(w, nobody, 'sub-nobody');
    expect(landed.pathname + landed.search).toBe('/login?ssoError=NoMappedGroup');
    expect((await me(w.base, nobody)).status).toBe(401);
  });

  it('keeps an SSO user called admin apart from the local admin account', async () => {
    const w = await start();
    const localId = await w.portal.addUser('admin', 'member');
    const browser = new CookieBrowser();
    await signIn(w, browser, 'sub-root');
    const { body } = await me(w.base, browser);
    expect(body.user?.['id']).not.toBe(localId);
    expect(body.user).toMatchObject({ username: 'admin.sso', role: 'admin' });
    const local = await w.portal.db
      .selectFrom('users')
      .select(['role', 'external_id'])
      .where('id', '=', localId)
      .executeTakeFirstOrThrow();
    expect(local).toEqual({ role: 'member', external_id: null });
  });

  it('applies group changes at the next sign-in: moved teams, then no access at all', async () => {
    const w = await start();
    const browser = new CookieBrowser();
    await signIn(w, browser, 'sub-alice');
    expect((await me(w.base, browser)).body.user).toMatchObject({ teams: ['team-a'] });

    w.provider.accounts.set('sub-alice', {
      username: 'alice',
      name: 'Alice A.',
      groups: ['ml-team-b'],
    });
    // A fresh browser each time: the provider would otherwise reuse its own session silently.
    const moved = new CookieBrowser();
    await signIn(w, moved, 'sub-alice');
    expect((await me(w.base, moved)).body.user).toMatchObject({ teams: ['team-b'] });
    const oldSession = moved.cookie('127.0.0.1', sessionCookieName);

    w.provider.accounts.set('sub-alice', { username: 'alice', name: 'Alice A.', groups: [] });
    const stale = new CookieBrowser();
    const landed = await signIn(w, stale, 'sub-alice');
    expect(landed.search).toBe('?ssoError=NoMappedGroup');
    // Her earlier session ended too.
    const response = await fetch(new URL('/api/v1/auth/me', w.base), {
      headers: { cookie: `${sessionCookieName}=${oldSession}` },
    });
    expect(response.status).toBe(401);
    const memberships = await w.portal.db.selectFrom('team_members').selectAll().execute();
    expect(memberships).toEqual([]);
  });

  it('refuses an ID token whose claims were changed in transit', async () => {
    const w = await start({
      fetch: async (url, options) => {
        const response = await fetch(url, options);
        if (!url.endsWith('/token')) return response;
        const body = (await response.json()) as { id_token: string };
        const [header, payload, signature] = body.id_token.split('.');
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as {
          groups: string[];
        };
        claims.groups = ['platform-admins'];
        body.id_token = [
          header,
          Buffer.from(JSON.stringify(claims)).toString('base64url'),
          signature,
        ].join('.');
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: response.headers,
        });
      },
    });
    const browser = new CookieBrowser();
    const landed = await signIn(w, browser, 'sub-alice');
    expect(landed.search).toBe('?ssoError=InvalidIdToken');
    expect((await me(w.base, browser)).status).toBe(401);
    expect(await w.portal.db.selectFrom('users').select('username').execute()).toEqual([]);
  });

  it('refuses an expired ID token (the portal clock two hours past its one-hour lifetime)', async () => {
    const twoHoursMs = 2 * 60 * 60 * 1000;
    const w = await start({ now: () => new Date(signInTime.getTime() + twoHoursMs) });
    const browser = new CookieBrowser();
    const landed = await signIn(w, browser, 'sub-alice');
    expect(landed.search).toBe('?ssoError=InvalidIdToken');
    expect((await me(w.base, browser)).status).toBe(401);
  });

  it('refuses a callback whose state this browser did not start, and a replayed one', async () => {
    const w = await start();
    const victim = new CookieBrowser();
    const attacker = new CookieBrowser();
    const toProvider = (next: URL): boolean => next.origin === w.provider.issuer.origin;
    const started = await attacker.navigate(new URL('/api/v1/auth/oidc/login', w.base), toProvider);
    const finished = await attacker.navigate(
      new URL(`${started.url.pathname}/login`, w.provider.issuer),
      toProvider,
      { form: { subject: 'sub-alice' } },
    );
    const callback = new URL(finished.response.headers.get('location') ?? '');
    expect(callback.pathname).toBe('/api/v1/auth/oidc/callback');
    // Login CSRF: the attacker's callback opened in the victim's browser.
    const forged = await victim.request(callback);
    expect(forged.headers.get('location')).toBe('/login?ssoError=InvalidState');
    expect((await me(w.base, victim)).status).toBe(401);
    // The state was spent by that attempt: the attacker cannot use it either.
    const replay = await attacker.request(callback);
    expect(replay.headers.get('location')).toBe('/login?ssoError=InvalidState');
  });

  it('refuses return paths to other sites', async () => {
    const w = await start();
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const response = await fetch(
        new URL(`/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`, w.base),
        { redirect: 'manual' },
      );
      expect(response.status, returnTo).toBe(400);
    }
  });

  it('logs out here and hands the provider’s end-session URL with the ID token hint', async () => {
    const w = await start();
    const browser = new CookieBrowser();
    await signIn(w, browser, 'sub-alice');
    const session = await me(w.base, browser);
    const csrf = (
      (await (await browser.request(new URL('/api/v1/auth/me', w.base))).json()) as {
        csrfToken: string;
      }
    ).csrfToken;
    expect(session.status).toBe(200);
    const response = await browser.request(new URL('/api/v1/auth/oidc/logout', w.base), {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
    });
    expect(response.status).toBe(200);
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const endSession = new URL(redirectTo);
    expect(endSession.origin).toBe(w.provider.issuer.origin);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(
      new URL('/login', w.base).href,
    );
    expect(endSession.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect((await me(w.base, browser)).status).toBe(401);
    // A local session on the same portal has no provider session: back to /login.
    await w.portal.addUser('local', 'member');
    const local = await w.portal.login('local');
    const localLogout = await w.portal.app.inject({
      method: 'POST',
      url: '/api/v1/auth/oidc/logout',
      headers: local.headers(),
    });
    expect(localLogout.json()).toEqual({ redirectTo: '/login' });
    const methods = await fetch(new URL('/api/v1/auth/methods', w.base));
    expect(await methods.json()).toEqual({ local: true, oidcLoginPath: '/api/v1/auth/oidc/login' });
  });
});
