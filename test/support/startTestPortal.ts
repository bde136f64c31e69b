import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';

import { ensureAdminUser } from '../../src/server/auth/ensureAdminUser.ts';
import { buildServer } from '../../src/server/buildServer.ts';
import { KubeCache } from '../../src/server/k8s/KubeCache.ts';
import { KubeClient } from '../../src/server/k8s/KubeClient.ts';
import { connectKube } from '../../src/server/k8s/kubeConnection.ts';
import { ClusterIndex } from '../../src/server/services/ClusterIndex.ts';
import { ClusterService } from '../../src/server/services/ClusterService.ts';
import { GpuService } from '../../src/server/services/GpuService.ts';
import { sandboxTemplates, TemplateService } from '../../src/server/services/TemplateService.ts';
import { IdempotencyStore } from '../../src/server/store/IdempotencyStore.ts';
import { openDatabase } from '../../src/server/store/openDatabase.ts';
import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { eventually } from './eventually.ts';
import { portalUserClients, testUserPassword } from './portalUserClients.ts';
import { startTestSandbox, type TestSandbox } from './startTestSandbox.ts';

export { eventually };

/** Password of the `admin` user of a test portal. */
export const testAdminPassword = 'admin-password-for-tests';
export { testUserPassword };

/** A portal on a free port, connected over HTTP to its own sandbox, with sign-in helpers. */
export interface TestPortal {
  url: string;
  app: FastifyInstance;
  sandbox: TestSandbox;
  cache: KubeCache;
  /** Signs in and returns a client that uses an API token of that user. */
  clientFor: (username: string, password: string) => Promise<ApiClient>;
  admin: ApiClient;
  /** Creates a user (as admin), optionally a member of teams; returns their client. */
  addUser: (
    username: string,
    role: 'admin' | 'member' | 'viewer',
    teams: string[],
  ) => Promise<ApiClient>;
  close: () => Promise<void>;
}

/**
 * Starts a sandbox (bare API server, no simulated nodes, unless a world is wired by the caller),
 * namespaces team-a and team-b, and a full portal over it with the starter templates.
 */
export async function startTestPortal(): Promise<TestPortal> {
  const sandbox = await startTestSandbox();
  for (const name of ['team-a', 'team-b', 'raydeck']) {
    await sandbox.request('POST', '/api/v1/namespaces', { metadata: { name } });
  }
  const connection = connectKube({ kind: 'sandbox', kubeconfigPath: sandbox.kubeconfig });
  const db = await openDatabase({ file: ':memory:' });
  await ensureAdminUser(db, {
    env: { RAYDECK_ADMIN_PASSWORD: testAdminPassword },
    print: () => undefined,
  });
  const cache = new KubeCache({
    kubeConfig: connection.kubeConfig,
    informerOptions: { initialBackoffMs: 50, maxBackoffMs: 200 },
  });
  const client = new KubeClient(connection.kubeConfig);
  const index = new ClusterIndex(cache);
  const templates = new TemplateService({ cache, client, namespace: 'raydeck' });
  const gpus = new GpuService(cache);
  const clusters = new ClusterService({ cache, client, index, templates });
  cache.start();
  await cache.waitForSync();
  await templates.seed(sandboxTemplates);
  await eventually(
    () => templates.list().length === sandboxTemplates.length,
    'templates in the cache',
  );

  const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html>');
  const app = await buildServer({
    config: { logLevel: 'silent', webRoot },
    version: '0.0.0-test',
    logger: false,
    portal: {
      db,
      connection,
      cache,
      client,
      index,
      clusters,
      templates,
      gpus,
      idempotency: new IdempotencyStore(db),
      sandbox: true,
      mutationsPerMinute: 10_000,
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const { clientFor, admin, addUser } = await portalUserClients(url, testAdminPassword);
  return {
    url,
    app,
    sandbox,
    cache,
    clientFor,
    admin,
    addUser,
    close: async () => {
      await app.close();
      await cache.stop();
      await db.destroy();
      await sandbox.close();
    },
  };
}
