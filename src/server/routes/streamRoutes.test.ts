import { type ClientRequest, request as httpRequest } from 'node:http';

import { Errors } from 'typebox/value';
import { afterEach, describe, expect, it } from 'vitest';

import {
  type AuthTestApp,
  authTestApp,
  type TestSession,
} from '../../../test/support/authTestApp.ts';
import { eventually } from '../../../test/support/eventually.ts';
import { openEventStream } from '../../../test/support/openEventStream.ts';
import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import {
  type ConnectionEvent,
  type StreamEventName,
  streamEventNames,
  StreamEventSchemas,
} from '../../shared/api/streamSchemas.ts';
import type { CacheChange } from '../k8s/KubeCache.ts';
import type { SummaryChange } from '../services/ClusterIndex.ts';
import { streamRoutes } from './streamRoutes.ts';

/** Nothing changes in these tests' cluster: the streams only carry `hello`. */
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

let kit: AuthTestApp | undefined;
const openRequests: ClientRequest[] = [];
afterEach(async () => {
  for (const request of openRequests.splice(0)) request.destroy();
  await kit?.close();
  kit = undefined;
});

/** An app with the stream route, listening on 127.0.0.1; periodic re-checks effectively off. */
async function listening(): Promise<AuthTestApp & { url: string }> {
  kit = await authTestApp({
    routes: async (app) => {
      await app.register(streamRoutes, {
        cache: quiet,
        index: quiet,
        connection: steadyConnection,
        recheckIntervalMs: 3_600_000,
      });
    },
  });
  const url = await kit.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...kit, url };
}

interface OpenStream {
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  isEnded: () => boolean;
}

/** Opens `GET /api/v1/stream` with a raw HTTP request; resolves once `hello` has arrived. */
function openStream(url: string, headers: Record<string, string>): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/v1/stream`, { headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream answered ${response.statusCode}`));
        return;
      }
      let text = '';
      let ended = false;
      const endedPromise = new Promise<void>((onEnd) => {
        response.on('end', () => {
          ended = true;
          onEnd();
        });
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const before = text;
        text += chunk;
        if (!before.includes('event: hello') && text.includes('event: hello')) {
          resolve({ ended: endedPromise, isEnded: () => ended });
        }
      });
    });
    request.on('error', reject);
    openRequests.push(request);
    request.end();
  });
}

/** Fails unless `stream` ends within one second (the promise the issue makes). */
async function endsWithinOneSecond(stream: OpenStream): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the stream was still open after 1 s')), 1_000);
  });
  try {
    await Promise.race([stream.ended, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function createToken(app: AuthTestApp['app'], session: TestSession) {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: session.headers(),
    payload: { name: 'cli' },
  });
  return created.json<{ id: string; token: string }>();
}

describe('GET /api/v1/stream: revocation', () => {
  it('ends on logout of its session', async () => {
    const { app, url, addUser, login } = await listening();
    await addUser('alice', 'member', ['team-a']);
    const alice = await login('alice');
    const stream = await openStream(url, { cookie: alice.cookie });
    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: alice.headers(),
    });
    expect(logout.statusCode).toBe(204);
    await endsWithinOneSecond(stream);
  });

  it('ends when the API token it was opened with is deleted', async () => {
    const { app, url, addUser, login } = await listening();
    await addUser('alice', 'member', ['team-a']);
    const alice = await login('alice');
    const token = await createToken(app, alice);
    const other = await createToken(app, alice);
    const stream = await openStream(url, { authorization: `Bearer ${token.token}` });
    const otherStream = await openStream(url, { authorization: `Bearer ${other.token}` });
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: alice.headers(),
    });
    expect(deleted.statusCode).toBe(204);
    await endsWithinOneSecond(stream);
    expect(otherStream.isEnded()).toBe(false);
  });

  it("ends when the user's role changes", async () => {
    const { app, url, addUser, login } = await listening();
    await addUser('root', 'admin');
    const admin = await login('root');
    const id = await addUser('alice', 'member', ['team-a']);
    const stream = await openStream(url, { cookie: (await login('alice')).cookie });
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${id}`,
      headers: admin.headers(),
      payload: { role: 'viewer' },
    });
    expect(response.statusCode).toBe(200);
    await endsWithinOneSecond(stream);
  });

  it('ends when the user is removed from a team, or the team is deleted', async () => {
    const { app, url, addUser, login } = await listening();
    await addUser('root', 'admin');
    const admin = await login('root');
    await addUser('alice', 'member', ['team-a']);
    await addUser('bob', 'member', ['team-b']);
    const aliceStream = await openStream(url, { cookie: (await login('alice')).cookie });
    const bobStream = await openStream(url, { cookie: (await login('bob')).cookie });

    const members = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/teams/team-a/members',
      headers: admin.headers(),
      payload: { members: [] },
    });
    expect(members.statusCode).toBe(200);
    await endsWithinOneSecond(aliceStream);
    expect(bobStream.isEnded()).toBe(false);

    const deleted = await app.inject({
      method: 'DELETE',
      url: '/api/v1/admin/teams/team-b',
      headers: admin.headers(),
    });
    expect(deleted.statusCode).toBe(204);
    await endsWithinOneSecond(bobStream);
  });

  it('ends when the account is disabled, and its next request is 401', async () => {
    const { app, url, addUser, login } = await listening();
    await addUser('root', 'admin');
    const admin = await login('root');
    const id = await addUser('alice', 'member', ['team-a']);
    const alice = await login('alice');
    const token = await createToken(app, alice);
    const byCookie = await openStream(url, { cookie: alice.cookie });
    const byToken = await openStream(url, { authorization: `Bearer ${token.token}` });
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${id}`,
      headers: admin.headers(),
      payload: { disabled: true },
    });
    expect(response.statusCode).toBe(200);
    await endsWithinOneSecond(byCookie);
    await endsWithinOneSecond(byToken);
    const next = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(next.statusCode).toBe(401);
  });

  it('stays open through changes that do not change its scope', async () => {
    const { app, url, addUser, login } = await listening();
    await addUser('root', 'admin');
    const admin = await login('root');
    const aliceId = await addUser('alice', 'member', ['team-a']);
    const bobId = await addUser('bob', 'member', ['team-b']);
    const stream = await openStream(url, { cookie: (await login('alice')).cookie });
    for (const [id, payload] of [
      [aliceId, { displayName: 'Alice A.' }],
      [bobId, { role: 'viewer' }],
    ] as const) {
      const response = await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${id}`,
        headers: admin.headers(),
        payload,
      });
      expect(response.statusCode).toBe(200);
    }
    const team = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/teams',
      headers: admin.headers(),
      payload: { name: 'team-c' },
    });
    expect(team.statusCode).toBe(201);
    // Give the re-checks those changes caused time to finish (they take milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.isEnded()).toBe(false);
    expect(app.authServices.revocations.size).toBe(1);
  });
});

describe('authPlugin: every request re-reads its user', () => {
  it('answers 401 to the next request of a user disabled directly in the store', async () => {
    const { app, addUser, login, db } = await listening();
    const id = await addUser('alice', 'member', ['team-a']);
    const alice = await login('alice');
    const token = await createToken(app, alice);
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();
    for (const headers of [{ cookie: alice.cookie }, { authorization: `Bearer ${token.token}` }]) {
      const response = await app.inject({ url: '/api/v1/auth/me', headers });
      expect(response.statusCode).toBe(401);
    }
  });
});

/** A source the test pushes changes through, as the cache, index and connection health do. */
function pushable<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    subscribe: (listener: (value: T) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push: (value: T) => {
      for (const listener of listeners) listener(value);
    },
  };
}

describe('GET /api/v1/stream: events', () => {
  it('emits every event the shared stream contract declares, each matching its schema', async () => {
    const cache = pushable<CacheChange>();
    const index = pushable<SummaryChange>();
    const connection = pushable<ConnectionEvent>();
    const summary: ClusterSummary = {
      namespace: 'team-a',
      name: 'train',
      uid: 'uid-1',
      origin: 'raydeck',
      phase: 'Pending',
      reason: 'waiting for GPUs',
      workers: { ready: 0, desired: 1 },
      gpus: { count: 1, products: ['NVIDIA-A100-SXM4-80GB'] },
      createdAt: '2026-12-01T09:00:00Z',
      resourceVersion: '7',
    };
    kit = await authTestApp({
      routes: async (app) => {
        await app.register(streamRoutes, {
          cache,
          index,
          connection: { current: steadyConnection.current, subscribe: connection.subscribe },
          recheckIntervalMs: 3_600_000,
        });
      },
    });
    const url = await kit.app.listen({ host: '127.0.0.1', port: 0 });
    await kit.addUser('alice', 'member', ['team-a']);
    const alice = await kit.login('alice');
    const stream = await openEventStream(`${url}/api/v1/stream`, { cookie: alice.cookie });
    try {
      await eventually(() => stream.events.length >= 2, 'hello and connection');
      index.push({ type: 'upsert', summary });
      cache.push({
        kind: 'Node',
        type: 'upsert',
        object: { metadata: { name: 'gpu-1' } },
        previous: undefined,
      });
      cache.push({
        kind: 'ConfigMap',
        type: 'upsert',
        object: { metadata: { name: 'tpl', namespace: 'raydeck-templates' } },
        previous: undefined,
      });
      connection.push({
        state: 'degraded',
        since: '2026-12-01T09:00:00.000Z',
        message:
          "Kubernetes is not answering the portal's watch of pods; what you see may be out of date.",
        informers: ['pods'],
      });
      // Inventory and template notices are coalesced over one second.
      await eventually(
        () =>
          new Set(stream.events.map((received) => received.event)).size >= streamEventNames.length,
        () => `events so far: ${stream.events.map((received) => received.event).join(', ')}`,
      );
    } finally {
      stream.close();
    }
    const names = new Set(stream.events.map((received) => received.event));
    expect([...names].sort()).toEqual(Object.keys(StreamEventSchemas).sort());
    expect([...streamEventNames].sort()).toEqual(Object.keys(StreamEventSchemas).sort());
    expect(stream.events.slice(0, 2).map((received) => received.event)).toEqual([
      'hello',
      'connection',
    ]);
    for (const { event, data } of stream.events) {
      const schema = StreamEventSchemas[event as StreamEventName];
      expect([...Errors(schema, data)], event).toEqual([]);
    }
  });
});
