import { KubeConfig } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createSandboxApiServer,
  type SandboxApiServer,
} from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { KubeCache } from '../../src/server/k8s/KubeCache.ts';
import { streamRoutes } from '../../src/server/routes/streamRoutes.ts';
import { ConnectionHealth } from '../../src/server/services/ConnectionHealth.ts';
import type { ConnectionEvent } from '../../src/shared/api/streamSchemas.ts';
import { type AuthTestApp, authTestApp } from '../support/authTestApp.ts';
import { eventually } from '../support/eventually.ts';
import { type OpenEventStream, openEventStream } from '../support/openEventStream.ts';
import { startTestPortal } from '../support/startTestPortal.ts';

// The sandbox is this test's stand-in cluster, reached over HTTP like any other.
let sandbox: SandboxApiServer | undefined;
let cache: KubeCache | undefined;
let health: ConnectionHealth | undefined;
let kit: AuthTestApp | undefined;
let stream: OpenEventStream | undefined;
afterEach(async () => {
  stream?.close();
  await kit?.close();
  health?.stop();
  await cache?.stop();
  await sandbox?.close();
  stream = undefined;
  kit = undefined;
  health = undefined;
  cache = undefined;
  sandbox = undefined;
});

function kubeConfigFor(url: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'sandbox', server: url, skipTLSVerify: true }],
    users: [{ name: 'admin' }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'admin' }],
    currentContext: 'sandbox',
  });
  return config;
}

const quiet = { subscribe: () => () => undefined };

/** The `connection` events received so far. */
function connectionEvents(current: OpenEventStream): ConnectionEvent[] {
  return current.events.flatMap((received) =>
    received.event === 'connection' ? [received.data as ConnectionEvent] : [],
  );
}

describe('the stream’s connection event, against a sandbox that stops and restarts', () => {
  it('says ok after hello, degraded while the API server is down, ok once it is back', async () => {
    sandbox = createSandboxApiServer();
    const url = await sandbox.listen('127.0.0.1', 0);
    const port = Number(new URL(url).port);
    const currentCache = new KubeCache({
      kubeConfig: kubeConfigFor(url),
      informerOptions: { initialBackoffMs: 20, maxBackoffMs: 100 },
    });
    cache = currentCache;
    currentCache.start();
    await currentCache.waitForSync();
    // A short grace time (200 ms, looked at every 20 ms) keeps the test fast; the default is 10 s.
    const currentHealth = new ConnectionHealth({
      cache: currentCache,
      graceMs: 200,
      checkIntervalMs: 20,
    });
    health = currentHealth;
    currentHealth.start();
    kit = await authTestApp({
      routes: async (app: FastifyInstance) => {
        await app.register(streamRoutes, {
          cache: currentCache,
          index: quiet,
          connection: currentHealth,
        });
      },
    });
    const portal = await kit.app.listen({ host: '127.0.0.1', port: 0 });
    await kit.addUser('alice', 'member', ['team-a']);
    const alice = await kit.login('alice');
    const current = await openEventStream(`${portal}/api/v1/stream`, { cookie: alice.cookie });
    stream = current;

    await eventually(() => current.events.length >= 2, 'hello and the first connection event');
    expect(current.events.slice(0, 2).map((received) => received.event)).toEqual([
      'hello',
      'connection',
    ]);
    expect(connectionEvents(current)[0]).toMatchObject({ state: 'ok', informers: [] });

    // Stop the API server; the store survives, as etcd would.
    const store = sandbox.store;
    await sandbox.close();
    await eventually(
      () => connectionEvents(current).some((event) => event.state === 'degraded'),
      'a degraded connection event',
    );
    const degraded = connectionEvents(current).find((event) => event.state === 'degraded');
    expect(degraded?.informers.length).toBeGreaterThan(0);
    expect(degraded?.message).toContain("Kubernetes is not answering the portal's watch of");

    sandbox = createSandboxApiServer({ store });
    await sandbox.listen('127.0.0.1', port);
    await eventually(
      () => connectionEvents(current).at(-1)?.state === 'ok',
      () => `back to ok; got ${JSON.stringify(connectionEvents(current).at(-1))}`,
    );
    expect(connectionEvents(current).map((event) => event.state)).toEqual([
      'ok',
      ...connectionEvents(current)
        .slice(1, -1)
        .map(() => 'degraded'),
      'ok',
    ]);
  });
});

describe('the portal as built for serving', () => {
  it('sends the connection state right after hello on its stream', async () => {
    const portal = await startTestPortal();
    try {
      const { token } = await portal.admin.createToken({ name: 'stream' });
      const current = await openEventStream(`${portal.url}/api/v1/stream`, {
        authorization: `Bearer ${token}`,
      });
      stream = current;
      await eventually(() => current.events.length >= 2, 'hello and connection');
      expect(current.events.slice(0, 2).map((received) => received.event)).toEqual([
        'hello',
        'connection',
      ]);
      expect(connectionEvents(current)[0]?.state).toBe('ok');
    } finally {
      stream?.close();
      stream = undefined;
      await portal.close();
    }
  }, 60_000);
});
