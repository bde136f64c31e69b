import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createSandboxApiServer,
  type SandboxApiServer,
} from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { KubeCache } from '../../src/server/k8s/KubeCache.ts';
import { eventually } from '../support/eventually.ts';

// The sandbox is this test's stand-in cluster, reached over HTTP like any other.
let sandbox: SandboxApiServer | undefined;
let cache: KubeCache | undefined;
afterEach(async () => {
  await cache?.stop();
  await sandbox?.close();
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

const rayCluster = (name: string) => ({
  metadata: { name },
  spec: {
    headGroupSpec: {
      rayStartParams: {},
      template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } },
    },
  },
});

function names(current: KubeCache): string[] {
  return current
    .list('RayCluster')
    .map((object) => object.metadata.name ?? '')
    .sort();
}

describe('KubeCache informers', () => {
  it('relist after a forced 410 Gone, losing no change', async () => {
    sandbox = createSandboxApiServer({ eventWindow: 10 });
    const url = await sandbox.listen('127.0.0.1', 0);
    const current = new KubeCache({
      kubeConfig: kubeConfigFor(url),
      informerOptions: { initialBackoffMs: 20, maxBackoffMs: 100 },
    });
    cache = current;
    const deleted: string[] = [];
    current.subscribe((change) => {
      if (change.kind === 'RayCluster' && change.type === 'delete')
        deleted.push(change.object.metadata?.name ?? '');
    });
    current.start();
    await current.waitForSync();
    const type = sandbox.registry.lookup('ray.io', 'v1', 'rayclusters');
    const configMaps = sandbox.registry.lookup('', 'v1', 'configmaps');
    if (!type || !configMaps) throw new Error('types missing');
    sandbox.api.create(type, 'default', rayCluster('keep'));
    sandbox.api.create(type, 'default', rayCluster('drop'));
    await eventually(() => names(current).join() === 'drop,keep', 'initial clusters');

    // Drop every watch and change more than the event window before the informer returns.
    sandbox.server.closeAllConnections();
    sandbox.api.delete(type, 'default', 'drop');
    sandbox.api.create(type, 'default', rayCluster('late'));
    for (let index = 0; index < 20; index++)
      sandbox.api.create(configMaps, 'default', { metadata: { name: `churn-${index}` } });

    await eventually(() => names(current).join() === 'keep,late', 'state after relist');
    expect(deleted).toContain('drop');
  });

  it('reconnects with backoff after the API server restarts, and reports readiness meanwhile', async () => {
    sandbox = createSandboxApiServer();
    const url = await sandbox.listen('127.0.0.1', 0);
    const port = Number(new URL(url).port);
    const type = sandbox.registry.lookup('ray.io', 'v1', 'rayclusters');
    if (!type) throw new Error('rayclusters missing');
    const errors: unknown[] = [];
    const current = new KubeCache({
      kubeConfig: kubeConfigFor(url),
      informerOptions: { initialBackoffMs: 20, maxBackoffMs: 100 },
      observer: { onError: (_informer, error) => errors.push(error) },
    });
    cache = current;
    current.start();
    await current.waitForSync();
    sandbox.api.create(type, 'default', rayCluster('before'));
    await eventually(() => names(current).includes('before'), 'first cluster');

    // Stop the API server; while it is down, the same store changes (as etcd would keep).
    const store = sandbox.store;
    await sandbox.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors.length).toBeGreaterThan(0);
    sandbox = createSandboxApiServer({ store });
    const restartedType = sandbox.registry.lookup('ray.io', 'v1', 'rayclusters');
    if (!restartedType) throw new Error('rayclusters missing after restart');
    sandbox.api.create(restartedType, 'default', rayCluster('during'));
    await sandbox.listen('127.0.0.1', port);

    await eventually(
      () => names(current).join() === 'before,during',
      'change made while disconnected',
    );
    expect(current.synced).toBe(true);
    await eventually(
      () => current.status().every((informer) => informer.lastError === undefined),
      'every informer reconnected',
    );
  });
});
