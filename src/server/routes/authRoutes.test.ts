import { afterEach, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp, testPassword } from '../../../test/support/authTestApp.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import { sessionCookieName } from '../auth/sessionCookie.ts';

let kit: AuthTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function start(options: Parameters<typeof authTestApp>[0] = {}) {
  kit = await authTestApp(options);
  return kit;
}

describe('POST /api/v1/auth/login', () => {
  it('signs in with a HttpOnly, SameSite=Lax session cookie and returns the user and CSRF token', async () => {
    const { app, addUser } = await start();
    await addUser('alice', 'member', ['team-a']);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: testPassword },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({
      username: 'alice',
      role: 'member',
      teams: ['team-a'],
      via: 'session',
    });
    expect(body.csrfToken).toMatch(/^[\w-]{43}$/);
    const cookie = response.cookies.find((candidate) => candidate.name === sessionCookieName);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 43_200 });
    expect(cookie?.secure).toBeFalsy();
    expect(cookie?.value).toMatch(/^[\w-]{43}$/);
    expect(body.csrfToken).not.toBe(cookie?.value);
  });

  it('marks the cookie Secure behind a TLS-terminating proxy', async () => {
    const { app, addUser } = await start();
    await addUser('alice', 'member');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { username: 'alice', password: testPassword },
    });
    expect(response.headers['set-cookie']).toMatch(/; Secure/);
  });

  it('answers wrong passwords and unknown users alike with a generic 401', async () => {
    const { app, addUser } = await start();
    await addUser('alice', 'member');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: 'not-the-password' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'mallory', password: 'whatever-password' },
    });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({
        reason: 'InvalidCredentials',
        message: 'Invalid username or password.',
      });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses disabled users with the same 401', async () => {
    const { app, addUser, db } = await start();
    const id = await addUser('alice', 'member');
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: testPassword },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.reason).toBe('InvalidCredentials');
  });

  it('brakes repeated failures per username and address with 429, leaving other addresses alone', async () => {
    const { app, addUser } = await start({ loginThrottle: { maxFailures: 3 } });
    await addUser('alice', 'member');
    const attempt = (password: string, remoteAddress = '10.0.0.9') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        payload: { username: 'alice', password },
      });
    for (let i = 0; i < 3; i += 1) expect((await attempt('wrong-password')).statusCode).toBe(401);
    const braked = await attempt(testPassword);
    expect(braked.statusCode).toBe(429);
    expect(braked.json().error.reason).toBe('TooManyLoginAttempts');
    expect(Number(braked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(testPassword, '10.0.0.10')).statusCode).toBe(200);
  });

  it('counts attempts before the password check: 59 wrong and 1 right in parallel are braked', async () => {
    const { app, addUser } = await start({ loginThrottle: { maxFailures: 10, now: () => 0 } });
    await addUser('alice', 'member');
    const passwords = [...Array.from({ length: 59 }, () => 'wrong-password'), testPassword];
    const responses = await Promise.all(
      passwords.map((password) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '10.0.0.9',
          payload: { username: 'alice', password },
        }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status !== 429)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50);
  });

  it('brakes one address guessing across many usernames, in the standard error shape', async () => {
    const { app } = await start({
      loginThrottle: { maxFailures: 100, maxFailuresPerAddress: 5, windowMs: 60_000, now: () => 0 },
    });
    const attempt = (username: string, remoteAddress = '10.0.0.9') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        payload: { username, password: 'guess-password' },
      });
    for (let i = 0; i < 5; i += 1) expect((await attempt(`user${i}`)).statusCode).toBe(401);
    const braked = await attempt('user9');
    expect(braked.statusCode).toBe(429);
    expect(braked.json()).toEqual({
      error: {
        status: 429,
        reason: 'TooManyLoginAttempts',
        message: expect.stringMatching(/^Too many failed sign-ins; try again in \d+ s\.$/),
        requestId: expect.any(String),
      },
    });
    expect(braked.headers['retry-after']).toBe('60');
    expect((await attempt('user9', '10.0.0.10')).statusCode).toBe(401);
  });

  it('audits successes, failures and braked attempts without the password', async () => {
    const { app, addUser, db, login } = await start({ loginThrottle: { maxFailures: 1 } });
    await addUser('alice', 'member');
    await login('alice');
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: 'wrong-password-1' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: 'wrong-password-2' },
    });
    const { items } = await new AuditLog(db).query({ action: 'auth.login' });
    expect(
      items.map(({ actor, result, statusCode, targetName, details }) => ({
        actor,
        result,
        statusCode,
        targetName,
        details,
      })),
    ).toEqual([
      {
        actor: 'anonymous',
        result: 'denied',
        statusCode: 429,
        targetName: 'alice',
        details: { reason: 'tooManyFailures' },
      },
      {
        actor: 'anonymous',
        result: 'failure',
        statusCode: 401,
        targetName: 'alice',
        details: { reason: 'wrongPassword' },
      },
      { actor: 'alice', result: 'success', statusCode: 200, targetName: 'alice', details: {} },
    ]);
    expect(JSON.stringify(items)).not.toMatch(/wrong-password|test-password/);
  });

  it('rejects a body without a password, naming the field', async () => {
    const { app } = await start();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([
      { path: 'body.password', message: 'is required' },
    ]);
  });

  it('replaces an existing session on sign-in', async () => {
    const { app, addUser, login } = await start();
    await addUser('alice', 'member');
    const first = await login('alice');
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { cookie: first.cookie },
      payload: { username: 'alice', password: testPassword },
    });
    expect(again.statusCode).toBe(200);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: first.cookie } });
    expect(me.statusCode).toBe(401);
  });
});

describe('GET /api/v1/auth/me and POST /api/v1/auth/logout', () => {
  it('tells who is signed in, with teams and the CSRF token', async () => {
    const { app, addUser, login } = await start();
    await addUser('vera', 'viewer', ['team-b', 'team-a']);
    const session = await login('vera');
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      user: {
        id: expect.any(String),
        username: 'vera',
        displayName: 'vera',
        role: 'viewer',
        teams: ['team-a', 'team-b'],
        via: 'session',
      },
      csrfToken: session.csrfToken,
    });
  });

  it('answers 401 Unauthenticated without a session', async () => {
    const { app } = await start();
    const me = await app.inject({ url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(401);
    expect(me.json().error).toMatchObject({ status: 401, reason: 'Unauthenticated' });
  });

  it('ends the session on logout, clears the cookie and audits it', async () => {
    const { app, addUser, db, login } = await start();
    await addUser('alice', 'member');
    const session = await login('alice');
    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: session.headers(),
    });
    expect(logout.statusCode).toBe(204);
    expect(logout.headers['set-cookie']).toMatch(
      new RegExp(`^${sessionCookieName}=; .*Expires=Thu, 01 Jan 1970`),
    );
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(401);
    const { items } = await new AuditLog(db).query({ action: 'auth.logout' });
    expect(items).toMatchObject([
      { actor: 'alice', actorRole: 'member', result: 'success', statusCode: 204 },
    ]);
  });

  it('refuses logout without the CSRF token', async () => {
    const { app, addUser, login } = await start();
    await addUser('alice', 'member');
    const session = await login('alice');
    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: session.cookie },
    });
    expect(logout.statusCode).toBe(403);
    expect(logout.json().error.reason).toBe('CsrfTokenMissing');
  });
});

describe('POST /api/v1/auth/password', () => {
  async function aliceWithToken() {
    const { app, addUser, login, db } = await start();
    await addUser('alice', 'member');
    const here = await login('alice');
    const elsewhere = await login('alice');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: here.headers(),
      payload: { name: 'cli' },
    });
    const token = created.json<{ token: string }>().token;
    const status = async (headers: Record<string, string>) =>
      (await app.inject({ url: '/api/v1/auth/me', headers })).statusCode;
    const change = (payload: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: here.headers(),
        payload,
      });
    return { app, db, login, here, elsewhere, token, status, change };
  }

  it('changes the password, keeps this session, ends the others and revokes API tokens', async () => {
    const { db, login, here, elsewhere, token, status, change } = await aliceWithToken();
    const changed = await change({ currentPassword: testPassword, password: 'violet-orchard-42' });
    expect(changed.statusCode).toBe(204);
    expect(await status({ cookie: here.cookie })).toBe(200);
    expect(await status({ cookie: elsewhere.cookie })).toBe(401);
    expect(await status({ authorization: `Bearer ${token}` })).toBe(401);
    await expect(login('alice')).rejects.toThrow(/401/);
    expect((await login('alice', 'violet-orchard-42')).info.user.username).toBe('alice');
    const { items } = await new AuditLog(db).query({ action: 'auth.password.change' });
    expect(items).toMatchObject([
      { actor: 'alice', result: 'success', statusCode: 204, details: { tokensRevoked: 1 } },
    ]);
    expect(JSON.stringify(items)).not.toMatch(/violet-orchard|test-password/);
  });

  it('keeps API tokens when asked with revokeTokens: false', async () => {
    const { token, status, change } = await aliceWithToken();
    const changed = await change({
      currentPassword: testPassword,
      password: 'violet-orchard-42',
      revokeTokens: false,
    });
    expect(changed.statusCode).toBe(204);
    expect(await status({ authorization: `Bearer ${token}` })).toBe(200);
  });

  it('refuses a wrong current password (403) and a weak new one (400 naming password)', async () => {
    const { here, status, change } = await aliceWithToken();
    const wrong = await change({
      currentPassword: 'not-my-password',
      password: 'violet-orchard-42',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toMatchObject({
      reason: 'WrongPassword',
      fields: [{ path: 'body.currentPassword', message: 'is wrong' }],
    });
    for (const [password, message] of [
      ['alice-in-wonderland', 'must not contain the username'],
      ['qwertyuiop123', 'is too common; choose a less guessable one'],
    ]) {
      const weak = await change({ currentPassword: testPassword, password });
      expect(weak.statusCode, password).toBe(400);
      expect(weak.json().error).toMatchObject({
        reason: 'ValidationFailed',
        message: `body.password: ${message}`,
        fields: [{ path: 'body.password', message }],
      });
    }
    expect(await status({ cookie: here.cookie })).toBe(200);
  });

  it('counts wrong current passwords against the sign-in brake', async () => {
    kit = await authTestApp({ loginThrottle: { maxFailures: 2, now: () => 0 } });
    await kit.addUser('alice', 'member');
    const alice = await kit.login('alice');
    const change = () =>
      kit?.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: alice.headers(),
        payload: { currentPassword: 'guess-password', password: 'violet-orchard-42' },
      });
    expect((await change())?.statusCode).toBe(403);
    expect((await change())?.statusCode).toBe(403);
    const braked = await change();
    expect(braked?.statusCode).toBe(429);
    expect(braked?.headers['retry-after']).toBe('900');
  });
});

describe('usernames in any case', () => {
  it('signs in with the username typed in another case', async () => {
    const { addUser, login } = await start();
    await addUser('alice', 'member');
    expect((await login('ALICE')).info.user.username).toBe('alice');
  });
});
