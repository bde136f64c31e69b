import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { collectionPath } from '../../src/server/k8s/kubeKinds.ts';
import { ResourceInformer } from '../../src/server/k8s/ResourceInformer.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('ResourceInformer sync waiters', () => {
  // Each waiter removes its listener when called; iterating the live list skipped the next one,
  // so startup's second waiter (reconcile next to template seeding) never woke.
  it('wakes every waitForSync waiter registered before the first list', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(sandbox.kubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const informer = new ResourceInformer<V1Node>({
      name: 'nodes',
      kubeConfig,
      watchPath: collectionPath('Node'),
      list: (page) => core.listNode(page),
    });
    try {
      const waiters = [1, 2, 3].map(() => informer.waitForSync(10_000).then(() => 'synced'));
      informer.start();
      expect(await Promise.all(waiters)).toEqual(['synced', 'synced', 'synced']);
    } finally {
      await informer.stop();
    }
  });
});
