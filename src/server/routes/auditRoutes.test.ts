import { afterEach, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import { AuditLog } from '../audit/AuditLog.ts';

let kit: AuthTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function seeded() {
  kit = await authTestApp();
  await kit.addUser('ada', 'admin');
  await kit.addUser('mia', 'member', ['team-a']);
  await kit.addUser('vic', 'viewer', ['team-b']);
  const log = new AuditLog(kit.db);
  const entry = { targetKind: 'raycluster', result: 'success' } as const;
  await log.record({ ...entry, actor: 'ada', action: 'cluster.create', targetNamespace: 'team-a' });
  await log.record({ ...entry, actor: 'ada', action: 'cluster.create', targetNamespace: 'team-c' });
  await log.record({
    ...entry,
    actor: 'mia',
    action: 'cluster.delete',
    targetNamespace: 'team-c',
    result: 'denied',
  });
  await log.record({ ...entry, actor: 'vic', action: 'cluster.scale', targetNamespace: 'team-b' });
  return kit;
}

type Item = { actor: string; action: string; targetNamespace: string | null };
const summary = (items: Item[]) =>
  items
    .filter((item) => item.action.startsWith('cluster.'))
    .map((item) => `${item.actor}:${item.action}:${item.targetNamespace}`);

describe('GET /api/v1/audit', () => {
  it('shows admins everything, newest first', async () => {
    const { app, login } = await seeded();
    const ada = await login('ada');
    const response = await app.inject({ url: '/api/v1/audit', headers: { cookie: ada.cookie } });
    expect(response.statusCode).toBe(200);
    expect(summary(response.json().items)).toEqual([
      'vic:cluster.scale:team-b',
      'mia:cluster.delete:team-c',
      'ada:cluster.create:team-c',
      'ada:cluster.create:team-a',
    ]);
    // The sign-ins of this test are audited too, with the newest on top.
    expect(response.json().items[0]).toMatchObject({ action: 'auth.login', actor: 'ada' });
  });

  it("shows members and viewers their teams' entries and their own, nothing else", async () => {
    const { app, login } = await seeded();
    const mia = await login('mia');
    const miaView = await app.inject({ url: '/api/v1/audit', headers: { cookie: mia.cookie } });
    expect(summary(miaView.json().items)).toEqual([
      'mia:cluster.delete:team-c',
      'ada:cluster.create:team-a',
    ]);
    const vic = await login('vic');
    const vicView = await app.inject({
      url: '/api/v1/audit?namespace=team-a',
      headers: { cookie: vic.cookie },
    });
    expect(vicView.json().items).toEqual([]);
    const everyoneLogins = await app.inject({
      url: '/api/v1/audit?action=auth.login',
      headers: { cookie: vic.cookie },
    });
    expect(everyoneLogins.json().items.map((item: Item) => item.actor)).toEqual(['vic']);
  });

  it('filters and pages through the query string', async () => {
    const { app, login } = await seeded();
    const ada = await login('ada');
    const get = async (query: string) =>
      (await app.inject({ url: `/api/v1/audit?${query}`, headers: { cookie: ada.cookie } })).json();
    expect(summary((await get('result=denied')).items)).toEqual(['mia:cluster.delete:team-c']);
    expect(summary((await get('actor=ada&namespace=team-c')).items)).toEqual([
      'ada:cluster.create:team-c',
    ]);
    const first = await get('action=cluster.*&limit=3');
    expect(first.items).toHaveLength(3);
    const second = await get(`action=cluster.*&limit=3&cursor=${first.nextCursor}`);
    expect(summary(second.items)).toEqual(['ada:cluster.create:team-a']);
    expect(second.nextCursor).toBeNull();
  });

  it('rejects a page size above 500 and a malformed date with the field named', async () => {
    const { app, login } = await seeded();
    const ada = await login('ada');
    for (const [query, path] of [
      ['limit=501', 'querystring.limit'],
      ['since=yesterday', 'querystring.since'],
      ['result=maybe', 'querystring.result'],
    ]) {
      const response = await app.inject({
        url: `/api/v1/audit?${query}`,
        headers: { cookie: ada.cookie },
      });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.fields.map((field: { path: string }) => field.path)).toContain(
        path,
      );
    }
  });

  it('needs a signed-in user', async () => {
    const { app } = await seeded();
    expect((await app.inject({ url: '/api/v1/audit' })).statusCode).toBe(401);
  });
});

describe('GET /api/v1/audit: the portal’s own actors', () => {
  it('cannot be joined by creating a user named anonymous or System, so a user sees only their own entries', async () => {
    const { app, login, db } = await seeded();
    const ada = await login('ada');
    for (const username of ['anonymous', 'System']) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: ada.headers(),
        payload: { username, password: 'quiet-harbor-lamp', role: 'member' },
      });
      expect(created.statusCode, username).toBe(400);
      expect(created.json().error.fields[0].path).toBe('body.username');
    }
    expect(
      await db
        .selectFrom('users')
        .select('username')
        .where((eb) => eb(eb.fn('lower', ['username']), 'in', ['anonymous', 'system']))
        .execute(),
    ).toEqual([]);

    // Entries by the portal's own actors exist: a failed sign-in and a system change.
    const failed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'nobody', password: 'whatever-password' },
    });
    expect(failed.statusCode).toBe(401);
    await new AuditLog(db).record({
      actor: 'system',
      action: 'user.provision',
      targetKind: 'user',
      targetName: 'someone',
      result: 'success',
    });

    await kit?.addUser('nia', 'member');
    const nia = await login('nia');
    const view = await app.inject({ url: '/api/v1/audit', headers: { cookie: nia.cookie } });
    expect(view.statusCode).toBe(200);
    const actors = new Set(view.json().items.map((item: Item) => item.actor));
    expect([...actors]).toEqual(['nia']);
  });
});
