import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import { sendApiError } from '../sendApiError.ts';
import { authorize } from './authorize.ts';
import type { TrustedHeadersOptions } from './authPlugin.ts';
import { requireRole, requireUser } from './authPlugin.ts';
import { sessionCookieName } from './sessionCookie.ts';

/** Stand-ins for the cluster routes: namespaced reads and writes checked with `authorize`. */
const namespacedRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { ns: string } }>('/api/v1/namespaces/:ns/things', async (request, reply) =>
    authorize(request.user, 'read', request.params.ns)
      ? { ok: true }
      : sendApiError(reply, { status: 403, reason: 'Forbidden', message: 'not your team' }),
  );
  app.post<{ Params: { ns: string } }>('/api/v1/namespaces/:ns/things', async (request, reply) =>
    authorize(request.user, 'write', request.params.ns)
      ? reply.code(201).send({ ok: true })
      : sendApiError(reply, { status: 403, reason: 'Forbidden', message: 'not your team' }),
  );
  app.get('/outside-api', async (request) => ({ user: request.user?.username ?? null }));
  app.get('/outside-api/private', { preHandler: requireUser }, async () => ({ ok: true }));
  app.post('/outside-api/members', { preHandler: requireRole('member') }, async () => ({
    ok: true,
  }));
};

let kit: AuthTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function start(trustedHeaders?: TrustedHeadersOptions) {
  kit = await authTestApp({ routes: namespacedRoutes, trustedHeaders });
  return kit;
}

describe('authPlugin: authentication', () => {
  it('answers 401 Unauthenticated for every /api/v1 path except login and version', async () => {
    const { app } = await start();
    for (const url of ['/api/v1/auth/me', '/api/v1/namespaces/a/things', '/api/v1/no-such-path']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error).toMatchObject({ status: 401, reason: 'Unauthenticated' });
    }
    expect((await app.inject({ url: '/api/v1/version' })).statusCode).toBe(200);
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'x', password: 'y' },
    });
    expect(login.json().error.reason).toBe('InvalidCredentials');
  });

  it('leaves non-API paths to their routes, which can require a user themselves', async () => {
    const { app, addUser, login } = await start();
    expect((await app.inject({ url: '/outside-api' })).json()).toEqual({ user: null });
    expect((await app.inject({ url: '/outside-api/private' })).statusCode).toBe(401);
    await addUser('alice', 'member');
    const session = await login('alice');
    const response = await app.inject({
      url: '/outside-api/private',
      headers: { cookie: session.cookie },
    });
    expect(response.statusCode).toBe(200);
  });

  it('checks the matched route, so percent-encoded paths cannot dodge the 401', async () => {
    const { app } = await start();
    const response = await app.inject({ url: '/%61pi/v1/namespaces/a/things' });
    expect(response.statusCode).toBe(401);
  });

  it('forgets an expired session and clears its cookie', async () => {
    const { app, addUser, login, db } = await start();
    await addUser('alice', 'member');
    const session = await login('alice');
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const response = await app.inject({
      url: '/api/v1/auth/me',
      headers: { cookie: session.cookie },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie']).toMatch(new RegExp(`^${sessionCookieName}=;`));
  });
});

describe('authPlugin: CSRF', () => {
  it('refuses cookie-authenticated changes without the token (CsrfTokenMissing) and audits it', async () => {
    const { app, addUser, login, db } = await start();
    await addUser('alice', 'member', ['team-a']);
    const session = await login('alice');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/things',
      headers: { cookie: session.cookie },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.reason).toBe('CsrfTokenMissing');
    const { items } = await new AuditLog(db).query({ action: 'request.denied' });
    expect(items).toMatchObject([
      {
        actor: 'alice',
        result: 'denied',
        statusCode: 403,
        targetName: 'POST /api/v1/namespaces/:ns/things',
        details: { reason: 'CsrfTokenMissing' },
      },
    ]);
  });

  it("refuses a wrong token or another session's token (CsrfTokenInvalid)", async () => {
    const { app, addUser, login } = await start();
    await addUser('alice', 'member', ['team-a']);
    await addUser('bob', 'member', ['team-a']);
    const alice = await login('alice');
    const bob = await login('bob');
    for (const token of ['forged', bob.csrfToken]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/namespaces/team-a/things',
        headers: { cookie: alice.cookie, 'x-csrf-token': token },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.reason).toBe('CsrfTokenInvalid');
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/things',
      headers: alice.headers(),
    });
    expect(ok.statusCode).toBe(201);
  });

  it('needs no token for reads', async () => {
    const { app, addUser, login } = await start();
    await addUser('alice', 'member', ['team-a']);
    const session = await login('alice');
    const response = await app.inject({
      url: '/api/v1/namespaces/team-a/things',
      headers: { cookie: session.cookie },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('authPlugin: roles', () => {
  async function statusOf(
    app: AuthTestApp['app'],
    headers: Record<string, string>,
    method: 'GET' | 'POST',
    namespace: string,
  ) {
    return (await app.inject({ method, url: `/api/v1/namespaces/${namespace}/things`, headers }))
      .statusCode;
  }

  it('lets admins act everywhere, members in their teams, viewers only read their teams', async () => {
    const { app, addUser, login } = await start();
    await addUser('ada', 'admin');
    await addUser('mia', 'member', ['team-a']);
    await addUser('vic', 'viewer', ['team-a']);
    const [ada, mia, vic] = await Promise.all([login('ada'), login('mia'), login('vic')]);
    const table: [string, Record<string, string>, 'GET' | 'POST', string, number][] = [
      ['admin reads any team', ada.headers(), 'GET', 'team-z', 200],
      ['admin writes any team', ada.headers(), 'POST', 'team-z', 201],
      ['member reads own team', mia.headers(), 'GET', 'team-a', 200],
      ['member writes own team', mia.headers(), 'POST', 'team-a', 201],
      ['member cannot read other team', mia.headers(), 'GET', 'team-b', 403],
      ['member cannot write other team', mia.headers(), 'POST', 'team-b', 403],
      ['viewer reads own team', vic.headers(), 'GET', 'team-a', 200],
      ['viewer cannot write own team', vic.headers(), 'POST', 'team-a', 403],
      ['viewer cannot read other team', vic.headers(), 'GET', 'team-b', 403],
    ];
    for (const [name, headers, method, namespace, status] of table) {
      expect(await statusOf(app, headers, method, namespace), name).toBe(status);
    }
  });

  it('ranks roles in requireRole: viewer < member < admin', async () => {
    const { app, addUser, login } = await start();
    await addUser('vic', 'viewer');
    await addUser('mia', 'member');
    await addUser('ada', 'admin');
    const expected = { vic: 403, mia: 200, ada: 200 };
    for (const [username, status] of Object.entries(expected)) {
      const session = await login(username);
      const response = await app.inject({
        method: 'POST',
        url: '/outside-api/members',
        headers: session.headers(),
      });
      expect(response.statusCode, username).toBe(status);
    }
  });
});

describe('authPlugin: trusted-header mode', () => {
  const proxy = { enabled: true };

  it('ignores identity headers when the mode is off', async () => {
    const { app, db } = await start();
    const response = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'alice' },
    });
    expect(response.statusCode).toBe(401);
    expect(await db.selectFrom('users').selectAll().execute()).toEqual([]);
  });

  it('provisions a member on first sight; groups naming existing teams grant membership', async () => {
    const { app, addUser, db } = await start(proxy);
    await addUser('someone', 'viewer', ['team-a', 'team-b']);
    const response = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'carol@example.com', 'x-forwarded-groups': 'team-b, nope' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({
      username: 'carol@example.com',
      role: 'member',
      teams: ['team-b'],
      via: 'header',
    });
    const rows = await db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'carol@example.com')
      .execute();
    expect(rows).toMatchObject([{ role: 'member', password_hash: null }]);
    const { items } = await new AuditLog(db).query({ action: 'user.provision' });
    expect(items).toMatchObject([{ actor: 'system', targetName: 'carol@example.com' }]);
    // Groups are read per request: without the group there is no membership.
    const later = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'carol@example.com' },
    });
    expect(later.json().user.teams).toEqual([]);
  });

  it('believes the headers only from trusted proxy addresses', async () => {
    const { app } = await start(proxy);
    const spoofed = await app.inject({
      url: '/api/v1/auth/me',
      remoteAddress: '192.0.2.7',
      headers: { 'x-forwarded-user': 'admin' },
    });
    expect(spoofed.statusCode).toBe(401);
    const viaLoopback6 = await app.inject({
      url: '/api/v1/auth/me',
      remoteAddress: '::1',
      headers: { 'x-forwarded-user': 'dave' },
    });
    expect(viaLoopback6.statusCode).toBe(200);
  });

  it('honours configured header names and proxy ranges', async () => {
    const { app } = await start({
      enabled: true,
      userHeader: 'X-Auth-Request-User',
      groupsHeader: 'X-Auth-Request-Groups',
      trustedProxies: ['10.0.0.0/8'],
    });
    const headers = { 'x-auth-request-user': 'erin' };
    const fromProxy = await app.inject({
      url: '/api/v1/auth/me',
      remoteAddress: '10.1.2.3',
      headers,
    });
    expect(fromProxy.statusCode).toBe(200);
    const fromLoopback = await app.inject({
      url: '/api/v1/auth/me',
      remoteAddress: '127.0.0.1',
      headers,
    });
    expect(fromLoopback.statusCode).toBe(401);
    const defaultHeader = await app.inject({
      url: '/api/v1/auth/me',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-user': 'erin' },
    });
    expect(defaultHeader.statusCode).toBe(401);
  });

  it("ignores the proxy's own bearer token and still needs CSRF, carried by a session from /me", async () => {
    const { app, addUser } = await start(proxy);
    await addUser('placeholder', 'viewer', ['team-a']);
    const headers = {
      'x-forwarded-user': 'frank',
      'x-forwarded-groups': 'team-a',
      authorization: 'Bearer eyJhbGciOi.proxy.jwt',
    };
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/things',
      headers,
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.reason).toBe('CsrfTokenMissing');

    const me = await app.inject({ url: '/api/v1/auth/me', headers });
    expect(me.statusCode).toBe(200);
    const cookie = me.cookies.find((candidate) => candidate.name === sessionCookieName);
    expect(cookie?.httpOnly).toBe(true);
    const csrfToken = me.json().csrfToken;
    expect(csrfToken).toEqual(expect.any(String));

    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/things',
      headers: {
        ...headers,
        cookie: `${sessionCookieName}=${cookie?.value}`,
        'x-csrf-token': csrfToken,
      },
    });
    expect(ok.statusCode).toBe(201);

    // Frank's session and token do not vouch for a different proxy user.
    const otherUser = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/team-a/things',
      headers: {
        ...headers,
        'x-forwarded-user': 'grace',
        cookie: `${sessionCookieName}=${cookie?.value}`,
        'x-csrf-token': csrfToken,
      },
    });
    expect(otherUser.statusCode).toBe(403);
    expect(otherUser.json().error.reason).toBe('CsrfTokenInvalid');
  });

  it('refuses disabled users and malformed usernames from the proxy', async () => {
    const { app, db } = await start(proxy);
    const first = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'henry' },
    });
    expect(first.statusCode).toBe(200);
    await db
      .updateTable('users')
      .set({ disabled: 1 })
      .where('id', '=', first.json().user.id)
      .execute();
    const disabled = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'henry' },
    });
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json().error.reason).toBe('UserDisabled');
    const malformed = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'no spaces allowed' },
    });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().error.reason).toBe('InvalidIdentityHeader');
  });

  it('never lets a proxy user take over the local account of the same name', async () => {
    const { app, addUser, db } = await start(proxy);
    const localId = await addUser('admin', 'admin');
    const response = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'Admin' },
    });
    expect(response.statusCode).toBe(200);
    const { user } = response.json();
    expect(user.id).not.toBe(localId);
    expect(user.role).toBe('member');
    expect(user.username).toBe('Admin.sso');
    // The same proxy identity comes back to the same account, not to the local one.
    const again = await app.inject({
      url: '/api/v1/auth/me',
      headers: { 'x-forwarded-user': 'admin' },
    });
    expect(again.json().user.id).toBe(user.id);
    const local = await db
      .selectFrom('users')
      .select(['role', 'external_id'])
      .where('id', '=', localId)
      .executeTakeFirstOrThrow();
    expect(local).toEqual({ role: 'admin', external_id: null });
  });

  it('never provisions a reserved name such as system or anonymous from the proxy', async () => {
    const { app, db } = await start(proxy);
    for (const name of ['system', 'Anonymous']) {
      const response = await app.inject({
        url: '/api/v1/auth/me',
        headers: { 'x-forwarded-user': name },
      });
      expect(response.statusCode, name).toBe(401);
      expect(response.json().error.reason).toBe('InvalidIdentityHeader');
    }
    expect(await db.selectFrom('users').select('username').execute()).toEqual([]);
  });
});
