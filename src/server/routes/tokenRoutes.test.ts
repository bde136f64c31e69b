import { afterEach, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import { defaultTokenLifetimeDays } from '../../shared/api/authSchemas.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import { sha256Hex } from '../auth/randomSecret.ts';

let kit: AuthTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function signedIn(username = 'alice') {
  kit = await authTestApp();
  await kit.addUser(username, 'member', ['team-a']);
  return { ...kit, session: await kit.login(username) };
}

describe('API tokens', () => {
  it(`expire after the shared default (${defaultTokenLifetimeDays} days) unless the request says, null meaning never`, async () => {
    const { app, session } = await signedIn();
    const create = async (payload: Record<string, unknown>) => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload,
      });
      expect(created.statusCode).toBe(201);
      return created.json<{ createdAt: string; expiresAt: string | null }>();
    };
    const omitted = await create({ name: 'default' });
    expect(Date.parse(omitted.expiresAt ?? '') - Date.parse(omitted.createdAt)).toBe(
      defaultTokenLifetimeDays * 86_400_000,
    );
    expect((await create({ name: 'forever', expiresInDays: null })).expiresAt).toBeNull();
  });

  it('shows the secret once on create, then only its prefix', async () => {
    const { app, session, db } = await signedIn();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: session.headers(),
      payload: { name: 'ci', expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.token).toMatch(/^rdk_[\w-]{43}$/);
    expect(body).toMatchObject({ name: 'ci', prefix: body.token.slice(0, 12), lastUsedAt: null });
    expect(Date.parse(body.expiresAt) - Date.parse(body.createdAt)).toBe(30 * 86_400_000);

    const list = await app.inject({ url: '/api/v1/tokens', headers: session.headers() });
    expect(list.json()).toEqual({
      items: [
        {
          id: body.id,
          name: 'ci',
          prefix: body.prefix,
          createdAt: body.createdAt,
          lastUsedAt: null,
          expiresAt: body.expiresAt,
        },
      ],
    });
    expect(list.body).not.toContain(body.token);

    const stored = await db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(sha256Hex(body.token));
    expect(JSON.stringify(stored)).not.toContain(body.token);
  });

  it('authenticates with Authorization: Bearer, needs no CSRF token and records its use', async () => {
    const { app, session } = await signedIn();
    const { token } = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload: { name: 'cli' },
      })
    ).json();
    const me = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { username: 'alice', via: 'token', teams: ['team-a'] },
      csrfToken: null,
    });
    const mutation = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'made-by-token' },
    });
    expect(mutation.statusCode).toBe(201);
    const listed = (
      await app.inject({ url: '/api/v1/tokens', headers: { authorization: `Bearer ${token}` } })
    ).json().items;
    expect(listed.find((item: { name: string }) => item.name === 'cli').lastUsedAt).toEqual(
      expect.any(String),
    );
  });

  it('stops working once revoked, and the revocation is audited', async () => {
    const { app, session, db } = await signedIn();
    const created = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload: { name: 'short-lived' },
      })
    ).json();
    const bearer = { authorization: `Bearer ${created.token}` };
    expect((await app.inject({ url: '/api/v1/auth/me', headers: bearer })).statusCode).toBe(200);

    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${created.id}`,
      headers: session.headers(),
    });
    expect(deleted.statusCode).toBe(204);
    const after = await app.inject({ url: '/api/v1/auth/me', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.reason).toBe('InvalidToken');
    expect(after.headers['www-authenticate']).toBe('Bearer realm="raydeck"');

    const { items } = await new AuditLog(db).query({ action: 'token.*' });
    expect(items.map((item) => [item.action, item.result, item.targetName])).toEqual([
      ['token.delete', 'success', 'short-lived'],
      ['token.create', 'success', 'short-lived'],
    ]);
    expect(JSON.stringify(items)).not.toContain(created.token);
  });

  it('refuses unknown, malformed and expired tokens with 401', async () => {
    const { app, session, db } = await signedIn();
    for (const authorization of ['Bearer rdk_not-a-real-token', 'Bearer abc.def.ghi']) {
      const response = await app.inject({ url: '/api/v1/auth/me', headers: { authorization } });
      expect(response.statusCode).toBe(401);
    }
    const { token, id } = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload: { name: 'expiring', expiresInDays: 1 },
      })
    ).json();
    await db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    const expired = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(expired.statusCode).toBe(401);
  });

  it("cannot see or delete another user's tokens", async () => {
    const { app, session, addUser, login } = await signedIn();
    const mine = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload: { name: 'mine' },
      })
    ).json();
    await addUser('bob', 'admin');
    const bob = await login('bob');
    expect(
      (await app.inject({ url: '/api/v1/tokens', headers: bob.headers() })).json().items,
    ).toEqual([]);
    const stolen = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${mine.id}`,
      headers: bob.headers(),
    });
    expect(stolen.statusCode).toBe(404);
    expect(
      (await app.inject({ url: '/api/v1/tokens', headers: session.headers() })).json().items,
    ).toHaveLength(1);
  });

  it('stops a disabled user’s tokens', async () => {
    const { app, session, db } = await signedIn();
    const { token } = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: session.headers(),
        payload: { name: 'cli' },
      })
    ).json();
    await db.updateTable('users').set({ disabled: 1 }).execute();
    const response = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(401);
  });
});
