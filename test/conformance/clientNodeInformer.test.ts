import {
  type CoreV1Api,
  CoreV1Api as CoreV1ApiClass,
  type CustomObjectsApi,
  CustomObjectsApi as CustomObjectsApiClass,
  type Informer,
  KubeConfig,
  type KubernetesObject,
  makeInformer,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../support/eventually.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

let sandbox: TestSandbox;
let kubeConfig: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;

beforeAll(async () => {
  sandbox = await startTestSandbox({ eventWindow: 20 });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(sandbox.kubeconfig);
  core = kubeConfig.makeApiClient(CoreV1ApiClass);
  custom = kubeConfig.makeApiClient(CustomObjectsApiClass);
  await core.createNamespace({ body: { metadata: { name: 'informed' } } });
});
afterAll(() => sandbox.close());

function names(
  informer: Informer<KubernetesObject> & { list: () => readonly KubernetesObject[] },
): string[] {
  return informer
    .list()
    .map((object) => object.metadata?.name ?? '')
    .sort();
}

describe('@kubernetes/client-node 1.4 against the sandbox', () => {
  it('reads, lists and reports NotFound as ApiException 404', async () => {
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((namespace) => namespace.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'informed']),
    );
    await expect(
      core.readNamespacedPod({ name: 'missing', namespace: 'informed' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('keeps an informer in step with creates, updates and deletes', async () => {
    const informer = makeInformer(kubeConfig, '/api/v1/namespaces/informed/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'informed' }),
    );
    const seen: string[] = [];
    informer.on('add', (object) => seen.push(`add ${object.metadata?.name}`));
    informer.on('update', (object) => seen.push(`update ${object.metadata?.name}`));
    informer.on('delete', (object) => seen.push(`delete ${object.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'informed',
        body: { metadata: { name: 'one' }, data: { v: '1' } },
      });
      await core.createNamespacedConfigMap({
        namespace: 'informed',
        body: { metadata: { name: 'two' } },
      });
      // client-node 1.4 sends application/json-patch+json by default.
      await core.patchNamespacedConfigMap({
        namespace: 'informed',
        name: 'one',
        body: [{ op: 'replace', path: '/data/v', value: '2' }],
      });
      await core.deleteNamespacedConfigMap({ namespace: 'informed', name: 'two' });
      await eventually(() => seen.length >= 4, 'four events');
      expect(seen).toEqual(['add one', 'add two', 'update one', 'delete two']);
      const cached = informer.get('one', 'informed') as V1ConfigMap | undefined;
      expect(cached?.data).toEqual({ v: '2' });
    } finally {
      await informer.stop();
    }
  });

  it(
    'recovers from a forced 410 Gone by relisting, losing no change',
    { timeout: 20_000 },
    async () => {
      const path = '/apis/ray.io/v1/namespaces/informed/rayjobs';
      const list = () =>
        custom.listNamespacedCustomObject({
          group: 'ray.io',
          version: 'v1',
          namespace: 'informed',
          plural: 'rayjobs',
        }) as never;
      const informer = makeInformer<KubernetesObject>(kubeConfig, path, list);
      const deleted: string[] = [];
      informer.on('delete', (object) => deleted.push(object.metadata?.name ?? ''));
      // client-node 1.4 stops on a dropped connection; its documented remedy is to restart.
      const errors: unknown[] = [];
      informer.on('error', (error) => {
        errors.push(error);
        setTimeout(() => void informer.start(), 100);
      });
      await informer.start();
      const rayJob = (name: string) => ({
        apiVersion: 'ray.io/v1',
        kind: 'RayJob',
        metadata: { name },
        spec: {
          entrypoint: 'python -c "print(1)"',
          clusterSelector: { 'ray.io/cluster': 'shared' },
        },
      });
      try {
        for (const name of ['keep', 'drop']) {
          await custom.createNamespacedCustomObject({
            group: 'ray.io',
            version: 'v1',
            namespace: 'informed',
            plural: 'rayjobs',
            body: rayJob(name),
          });
        }
        await eventually(() => names(informer).join() === 'drop,keep', 'initial objects');

        // Cut every watch, then change more than the event window holds before the client
        // reconnects: its next watch from the old resourceVersion must get 410 and relist.
        const { api, registry } = sandbox.apiServer;
        const rayJobs = registry.lookup('ray.io', 'v1', 'rayjobs');
        const configMaps = registry.lookup('', 'v1', 'configmaps');
        if (!rayJobs || !configMaps) throw new Error('types missing');
        sandbox.apiServer.server.closeAllConnections();
        api.delete(rayJobs, 'informed', 'drop');
        api.create(rayJobs, 'informed', rayJob('late'));
        for (let index = 0; index < 30; index++)
          api.create(configMaps, 'informed', { metadata: { name: `churn-${index}` } });

        await eventually(
          () => names(informer).join() === 'keep,late',
          () =>
            `relisted state (have ${names(informer).join()}; errors ${errors.map(String).join('; ')})`,
        );
        expect(deleted).toContain('drop');
      } finally {
        await informer.stop();
      }
    },
  );
});
