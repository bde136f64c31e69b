import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';

const echoRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/echo', async () => ({ ok: true }));
  app.post('/api/v1/echo', async () => ({ ok: true }));
};

let kit: AuthTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe('mutationRateLimit', () => {
  it('answers 429 RateLimited with Retry-After once a user exceeds the limit, per user', async () => {
    kit = await authTestApp({
      routes: echoRoutes,
      mutationRateLimit: { max: 3, timeWindowMs: 60_000 },
    });
    await kit.addUser('alice', 'member');
    await kit.addUser('bob', 'member');
    const [alice, bob] = [await kit.login('alice'), await kit.login('bob')];
    const app = kit.app;
    const post = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/v1/echo', headers });

    for (let i = 0; i < 3; i += 1) expect((await post(alice.headers())).statusCode).toBe(200);
    const limited = await post(alice.headers());
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ status: 429, reason: 'RateLimited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    expect((await post(bob.headers())).statusCode).toBe(200);
    const read = await kit.app.inject({ url: '/api/v1/echo', headers: { cookie: alice.cookie } });
    expect(read.statusCode).toBe(200);
  });

  it('can be switched off', async () => {
    kit = await authTestApp({ routes: echoRoutes, mutationRateLimit: false });
    await kit.addUser('alice', 'member');
    const alice = await kit.login('alice');
    for (let i = 0; i < 150; i += 1) {
      const response = await kit.app.inject({
        method: 'POST',
        url: '/api/v1/echo',
        headers: alice.headers(),
      });
      expect(response.statusCode).toBe(200);
    }
  });
});
