import { afterEach, describe, expect, it, vi } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import { streamRoutes } from '../routes/streamRoutes.ts';
import { SessionRevocations } from './SessionRevocations.ts';

const quiet = { subscribe: () => () => undefined };
/** A Kubernetes connection that stays healthy. */
const steadyConnection = {
  current: () => ({
    state: 'ok' as const,
    since: '2026-12-01T00:00:00.000Z',
    message: 'Connected to Kubernetes.',
    informers: [],
  }),
  subscribe: () => () => undefined,
};
const recheckIntervalMs = 30_000;

let kit: AuthTestApp | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await kit?.close();
  kit = undefined;
});

describe('watchCaller', () => {
  it('re-checks every interval, catching changes no event announced (another replica)', async () => {
    // Only intervals are fake: the re-check timer (and the stream's heartbeat) move on command.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    kit = await authTestApp({
      routes: async (app) => {
        await app.register(streamRoutes, {
          cache: quiet,
          index: quiet,
          connection: steadyConnection,
          recheckIntervalMs,
        });
      },
    });
    const { app, db, addUser, login } = kit;
    const id = await addUser('alice', 'member', ['team-a']);
    const alice = await login('alice');
    let ended = false;
    const stream = app.inject({ url: '/api/v1/stream', headers: { cookie: alice.cookie } });
    void stream.then(() => {
      ended = true;
    });
    // Polled with the real setTimeout: vi.waitFor would advance the fake intervals itself.
    while (app.authServices.revocations.size === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    await db.updateTable('users').set({ role: 'viewer' }).where('id', '=', id).execute();
    await vi.advanceTimersByTimeAsync(recheckIntervalMs - 1);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const response = await stream;
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('event: hello');
    expect(app.authServices.revocations.size).toBe(0);
  });

  it('stops watching when the stream is closed by the client', async () => {
    kit = await authTestApp({
      routes: async (app) => {
        await app.register(streamRoutes, {
          cache: quiet,
          index: quiet,
          connection: steadyConnection,
          recheckIntervalMs,
        });
      },
    });
    const { app, addUser, login } = kit;
    await addUser('alice', 'member', ['team-a']);
    const alice = await login('alice');
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const abort = new AbortController();
    const response = await fetch(`${url}/api/v1/stream`, {
      headers: { cookie: alice.cookie },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect(app.authServices.revocations.size).toBe(1));
    abort.abort();
    await vi.waitFor(() => expect(app.authServices.revocations.size).toBe(0));
  });
});

describe('SessionRevocations', () => {
  it('tells every listener, even when one throws, until it unsubscribes', () => {
    const bus = new SessionRevocations();
    const heard: string[] = [];
    bus.subscribe(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = bus.subscribe((event) => heard.push(event.kind));
    bus.emit({ kind: 'teams' });
    unsubscribe();
    bus.emit({ kind: 'user', userId: 'u1' });
    expect(heard).toEqual(['teams']);
    expect(bus.size).toBe(1);
  });
});
