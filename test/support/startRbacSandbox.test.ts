import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RbacTestSandbox, startRbacSandbox } from './startRbacSandbox.ts';

let sandbox: RbacTestSandbox;

beforeAll(async () => {
  sandbox = await startRbacSandbox();
});
afterAll(() => sandbox.close());

describe('startRbacSandbox', () => {
  it("gives client-node (the portal's client) a ServiceAccount's permissions and nothing more", async () => {
    const account = await sandbox.serviceAccount('raydeck', 'raydeck');
    await sandbox.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'raydeck-reads', namespace: 'team-a' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'configmap-reader',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'raydeck', namespace: 'raydeck' }],
      },
    ]);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(account.kubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await expect(core.listNamespacedConfigMap({ namespace: 'team-a' })).resolves.toMatchObject({
      items: [],
    });
    const refused = await core.listNamespacedConfigMap({ namespace: 'team-b' }).then(
      () => undefined,
      (error: unknown) => error as { code: number; body: string },
    );
    expect(refused?.code).toBe(403);
    expect(JSON.parse(refused?.body ?? '{}')).toMatchObject({
      message: `configmaps is forbidden: User "${account.username}" cannot list resource "configmaps" in API group "" in the namespace "team-b"`,
    });
  });

  it('serves HTTPS with tls: true, which client-node reaches with the same kubeconfig', async () => {
    const secure = await startRbacSandbox({ tls: true });
    try {
      expect(secure.url).toMatch(/^https:/);
      const account = await secure.serviceAccount('raydeck', 'raydeck');
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(account.kubeconfig);
      const refused = await kubeConfig
        .makeApiClient(CoreV1Api)
        .listNamespace()
        .then(
          () => undefined,
          (error: unknown) => error as { code: number },
        );
      expect(refused?.code).toBe(403);
      expect((await secure.request('GET', '/api/v1/namespaces')).status).toBe(200);
    } finally {
      await secure.close();
    }
  });

  it('refuses requests without the admin token', async () => {
    const response = await fetch(`${sandbox.url}/api/v1/namespaces`);
    expect(response.status).toBe(401);
    expect((await sandbox.request('GET', '/api/v1/namespaces')).status).toBe(200);
  });
});
