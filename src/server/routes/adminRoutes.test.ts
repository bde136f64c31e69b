import { afterEach, describe, expect, it } from 'vitest';

import {
  type AuthTestApp,
  authTestApp,
  type TestSession,
} from '../../../test/support/authTestApp.ts';
import { AuditLog } from '../audit/AuditLog.ts';

let kit: AuthTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function asAdmin(): Promise<AuthTestApp & { admin: TestSession }> {
  kit = await authTestApp();
  await kit.addUser('root', 'admin');
  return { ...kit, admin: await kit.login('root') };
}

describe('admin routes: who may use them', () => {
  it('refuses members and viewers with 403 and audits refused changes as denied', async () => {
    const { app, addUser, login, db } = await asAdmin();
    await addUser('mia', 'member', ['team-a']);
    await addUser('vic', 'viewer', ['team-a']);
    for (const username of ['mia', 'vic']) {
      const session = await login(username);
      const list = await app.inject({ url: '/api/v1/admin/users', headers: session.headers() });
      expect(list.statusCode).toBe(403);
      expect(list.json().error.reason).toBe('Forbidden');
      const create = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/teams',
        headers: session.headers(),
        payload: { name: 'sneaky' },
      });
      expect(create.statusCode).toBe(403);
    }
    expect((await app.inject({ url: '/api/v1/admin/teams' })).statusCode).toBe(401);
    const { items } = await new AuditLog(db).query({ result: 'denied' });
    expect(items.map((item) => [item.actor, item.action, item.targetName])).toEqual([
      ['vic', 'request.denied', 'POST /api/v1/admin/teams'],
      ['mia', 'request.denied', 'POST /api/v1/admin/teams'],
    ]);
    expect(await db.selectFrom('teams').selectAll().where('name', '=', 'sneaky').execute()).toEqual(
      [],
    );
  });
});

describe('admin routes: users', () => {
  it('creates, lists and updates users without ever returning a password hash', async () => {
    const { app, admin, db } = await asAdmin();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers(),
      payload: {
        username: 'dana',
        password: 'quiet-harbor-lamp',
        role: 'viewer',
        displayName: 'Dana',
      },
    });
    expect(created.statusCode).toBe(201);
    const dana = created.json();
    expect(dana).toEqual({
      id: expect.any(String),
      username: 'dana',
      displayName: 'Dana',
      role: 'viewer',
      disabled: false,
      hasPassword: true,
      teams: [],
      createdAt: expect.any(String),
    });

    const updated = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${dana.id}`,
      headers: admin.headers(),
      payload: { role: 'member', displayName: 'Dana S.' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ role: 'member', displayName: 'Dana S.' });

    const list = await app.inject({ url: '/api/v1/admin/users', headers: admin.headers() });
    expect(list.json().items.map((user: { username: string }) => user.username)).toEqual([
      'dana',
      'root',
    ]);
    for (const body of [created.body, updated.body, list.body]) {
      expect(body).not.toMatch(/scrypt|password_hash|passwordHash|quiet-harbor-lamp/);
    }

    const audit = await new AuditLog(db).query({ action: 'user.*' });
    expect(audit.items.map((item) => [item.action, item.targetName, item.details])).toEqual([
      [
        'user.update',
        'dana',
        { changed: ['displayName', 'role'], role: { from: 'viewer', to: 'member' } },
      ],
      ['user.create', 'dana', { userId: dana.id, role: 'viewer' }],
    ]);
  });

  it('resets a password: the old one stops working, sessions end, the audit shows no password', async () => {
    const { app, admin, addUser, login, db } = await asAdmin();
    const id = await addUser('erin', 'member');
    const erin = await login('erin');
    const reset = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${id}`,
      headers: admin.headers(),
      payload: { password: 'brand-new-password' },
    });
    expect(reset.statusCode).toBe(200);
    expect(
      (await app.inject({ url: '/api/v1/auth/me', headers: { cookie: erin.cookie } })).statusCode,
    ).toBe(401);
    await expect(login('erin')).rejects.toThrow(/401/);
    expect((await login('erin', 'brand-new-password')).info.user.username).toBe('erin');
    const { items } = await new AuditLog(db).query({ action: 'user.update' });
    expect(items[0]?.details).toEqual({ changed: ['password'], tokensRevoked: 0 });
    expect(JSON.stringify(items)).not.toContain('brand-new-password');
  });

  it('disables a user, ending their sessions', async () => {
    const { app, admin, addUser, login } = await asAdmin();
    const id = await addUser('finn', 'member');
    const finn = await login('finn');
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${id}`,
      headers: admin.headers(),
      payload: { disabled: true },
    });
    expect(response.json().disabled).toBe(true);
    expect(
      (await app.inject({ url: '/api/v1/auth/me', headers: { cookie: finn.cookie } })).statusCode,
    ).toBe(401);
    await expect(login('finn')).rejects.toThrow(/401/);
  });

  it('never demotes or disables the last enabled admin', async () => {
    const { app, admin, addUser } = await asAdmin();
    const rootId = admin.info.user.id;
    for (const payload of [{ role: 'member' }, { disabled: true }]) {
      const response = await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${rootId}`,
        headers: admin.headers(),
        payload,
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.reason).toBe('LastAdmin');
    }
    await addUser('second', 'admin');
    const demoted = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${rootId}`,
      headers: admin.headers(),
      payload: { role: 'member' },
    });
    expect(demoted.statusCode).toBe(200);
  });

  it('names the invalid fields with 400 and creates nothing', async () => {
    const { app, admin, db } = await asAdmin();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers(),
      payload: { username: 'bad name', password: 'short', role: 'owner' },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.fields.map((field: { path: string }) => field.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password', 'body.role']));
    expect(await db.selectFrom('users').select('username').execute()).toEqual([
      { username: 'root' },
    ]);
  });

  it('gives a new user teams at once, and creates nothing when a team does not exist', async () => {
    const { app, admin, db, addUser } = await asAdmin();
    await addUser('seed', 'member', ['team-a', 'vision']);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers(),
      payload: {
        username: 'newbie',
        password: 'correct-horse-battery-9',
        role: 'member',
        teams: ['vision', 'team-a'],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().teams).toEqual(['team-a', 'vision']);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers(),
      payload: {
        username: 'ghost',
        password: 'correct-horse-battery-9',
        role: 'member',
        teams: ['team-a', 'no-such-team'],
      },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields).toEqual([
      { path: 'body.teams', message: 'names teams that do not exist: no-such-team' },
    ]);
    const ghost = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'ghost')
      .executeTakeFirst();
    expect(ghost).toBeUndefined();
  });

  it('deletes a user with their sessions and memberships, audited; never oneself or the last admin', async () => {
    const { app, admin, db, addUser, login } = await asAdmin();
    const id = await addUser('leaver', 'member', ['team-a']);
    const session = await login('leaver');
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${id}`,
      headers: admin.headers(),
    });
    expect(deleted.statusCode).toBe(204);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(401);
    expect(await db.selectFrom('team_members').selectAll().execute()).toEqual([]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['target_name', 'result', 'details'])
      .where('action', '=', 'user.delete')
      .executeTakeFirstOrThrow();
    expect(audit.target_name).toBe('leaver');
    expect(JSON.parse(audit.details)).toMatchObject({ teams: ['team-a'], clusters: 'kept' });
    const again = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${id}`,
      headers: admin.headers(),
    });
    expect(again.statusCode).toBe(404);
    const self = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${admin.info.user.id}`,
      headers: admin.headers(),
    });
    expect(self.statusCode).toBe(409);
    expect(self.json().error.reason).toBe('CannotDeleteSelf');
  });

  it('answers 409 with the field for a username taken in any case, and 404 for an unknown user', async () => {
    const { app, admin, addUser } = await asAdmin();
    await addUser('dana', 'member');
    const taken = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers(),
      payload: { username: 'Dana', password: 'long-enough-pw', role: 'member' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({
      reason: 'AlreadyExists',
      fields: [{ path: 'body.username', message: 'is taken' }],
    });
    const missing = await app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/users/nope',
      headers: admin.headers(),
      payload: { role: 'viewer' },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('admin routes: password policy, reserved names, token revocation', () => {
  it('refuses weak passwords on create and reset with a 400 naming body.password', async () => {
    const { app, admin, addUser, db } = await asAdmin();
    const id = await addUser('erin', 'member');
    const cases = [
      // The schema (minLength from the same rule) answers this one, in Ajv's words.
      ['eleven-char', 'needs at least 12 characters'],
      ['my-name-is-ERIN', 'must not contain the username'],
      ['Password1234', 'is too common; choose a less guessable one'],
    ] as const;
    for (const [password, message] of cases) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: admin.headers(),
        payload: { username: 'erin2', password: password.replace('ERIN', 'Erin2'), role: 'member' },
      });
      expect(created.statusCode, password).toBe(400);
      expect(created.json().error.fields, password).toEqual([
        { path: 'body.password', message: expect.any(String) },
      ]);
      const reset = await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${id}`,
        headers: admin.headers(),
        payload: { password },
      });
      expect(reset.statusCode, password).toBe(400);
      expect(reset.json().error).toMatchObject({
        reason: 'ValidationFailed',
        fields: [{ path: 'body.password', message }],
      });
    }
    expect(await db.selectFrom('users').select('username').orderBy('username').execute()).toEqual([
      { username: 'erin' },
      { username: 'root' },
    ]);
  });

  it('refuses reserved usernames such as anonymous and System', async () => {
    const { app, admin, db } = await asAdmin();
    for (const username of ['anonymous', 'System', 'RAYDECK', 'Root']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: admin.headers(),
        payload: { username, password: 'quiet-harbor-lamp', role: 'member' },
      });
      expect(response.statusCode, username).toBe(400);
      expect(response.json().error.fields).toEqual([
        { path: 'body.username', message: 'is reserved for the portal itself' },
      ]);
    }
    const { items } = await new AuditLog(db).query({ action: 'user.create' });
    expect(items.map((item) => [item.targetName, item.result, item.details])).toContainEqual([
      'anonymous',
      'failure',
      { reason: 'reservedUsername' },
    ]);
  });

  it('revokes API tokens on a password reset unless revokeTokens is false', async () => {
    const { app, admin, addUser, login, db } = await asAdmin();
    const id = await addUser('erin', 'member');
    const tokenOf = async (password?: string) => {
      const session = await login('erin', password);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload: { name: 'cli' },
      });
      return created.json<{ token: string }>().token;
    };
    const works = async (token: string) =>
      (await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } }))
        .statusCode === 200;
    const reset = (payload: Record<string, unknown>) =>
      app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${id}`,
        headers: admin.headers(),
        payload,
      });

    const first = await tokenOf();
    const kept = await reset({ password: 'first-new-secret', revokeTokens: false });
    expect(kept.statusCode).toBe(200);
    expect(await works(first)).toBe(true);

    const second = await tokenOf('first-new-secret');
    expect((await reset({ password: 'second-new-secret' })).statusCode).toBe(200);
    expect(await works(first)).toBe(false);
    expect(await works(second)).toBe(false);
    const { items } = await new AuditLog(db).query({ action: 'user.update' });
    expect(items.map((item) => item.details)).toEqual([
      { changed: ['password'], tokensRevoked: 2 },
      { changed: ['password'], tokensRevoked: 0 },
    ]);
  });
});

describe('admin routes: teams', () => {
  it('creates teams, sets members, lists and deletes them, auditing each change', async () => {
    const { app, admin, addUser, login, db } = await asAdmin();
    await addUser('gus', 'member');
    await addUser('hal', 'viewer');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/teams',
      headers: admin.headers(),
      payload: { name: 'ml-research', description: 'GPU people' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'ml-research',
      displayName: 'ml-research',
      description: 'GPU people',
      members: [],
    });

    const members = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/teams/ml-research/members',
      headers: admin.headers(),
      payload: { members: ['hal', 'gus'] },
    });
    expect(members.json().members).toEqual(['gus', 'hal']);
    const gus = await login('gus');
    expect(gus.info.user.teams).toEqual(['ml-research']);

    const list = await app.inject({ url: '/api/v1/admin/teams', headers: admin.headers() });
    expect(list.json().items).toMatchObject([{ name: 'ml-research', members: ['gus', 'hal'] }]);

    const deleted = await app.inject({
      method: 'DELETE',
      url: '/api/v1/admin/teams/ml-research',
      headers: admin.headers(),
    });
    expect(deleted.statusCode).toBe(204);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: gus.cookie } });
    expect(me.json().user.teams).toEqual([]);

    const { items } = await new AuditLog(db).query({ action: 'team.*' });
    expect(items.map((item) => [item.action, item.targetNamespace, item.details])).toEqual([
      ['team.delete', 'ml-research', {}],
      ['team.members.set', 'ml-research', { added: ['gus', 'hal'], removed: [] }],
      ['team.create', 'ml-research', {}],
    ]);
  });

  it('accepts only DNS-1123 labels of at most 63 characters as team names', async () => {
    const { app, admin } = await asAdmin();
    for (const name of ['Team-A', '-lead', 'trail-', 'under_score', 'a'.repeat(64)]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/teams',
        headers: admin.headers(),
        payload: { name },
      });
      expect(response.statusCode, name).toBe(400);
      expect(response.json().error.fields[0].path).toBe('body.name');
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/teams',
      headers: admin.headers(),
      payload: { name: 'a'.repeat(63) },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('names unknown members by index and changes nothing', async () => {
    const { app, admin, addUser } = await asAdmin();
    await addUser('gus', 'member', ['team-a']);
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/teams/team-a/members',
      headers: admin.headers(),
      payload: { members: ['root', 'ghost'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([
      { path: 'body.members[1]', message: 'no user named ghost' },
    ]);
    const list = await app.inject({ url: '/api/v1/admin/teams', headers: admin.headers() });
    expect(list.json().items[0].members).toEqual(['gus']);
  });

  it('answers 409 for an existing team and 404 for a missing one', async () => {
    const { app, admin } = await asAdmin();
    const create = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/admin/teams',
        headers: admin.headers(),
        payload: { name: 'team-a' },
      });
    expect((await create()).statusCode).toBe(201);
    expect((await create()).statusCode).toBe(409);
    for (const request of [
      { method: 'DELETE' as const, url: '/api/v1/admin/teams/team-z' },
      {
        method: 'PUT' as const,
        url: '/api/v1/admin/teams/team-z/members',
        payload: { members: [] },
      },
    ]) {
      const response = await app.inject({ ...request, headers: admin.headers() });
      expect(response.statusCode).toBe(404);
    }
  });
});
