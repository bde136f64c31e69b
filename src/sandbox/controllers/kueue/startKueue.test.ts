import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../../../../test/support/eventually.ts';
import { readManifest } from '../../../../test/support/readManifest.ts';
import { expectKubectlOk, kubectlRunner } from '../../../../test/support/runKubectl.ts';
import type { TestSandbox } from '../../../../test/support/startTestSandbox.ts';
import { startWorldTestSandbox } from '../../../../test/support/startWorldTestSandbox.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { listOf, recordOf, textOf } from './kueueModel.ts';

// The acceptance scenario of the sandbox Kueue, over HTTP and with the real kubectl, in the
// built-in world: team-a is queued through Kueue (ClusterQueue team-a, 2 A100s nominal).

const base = '/apis/kueue.x-k8s.io/v1beta1';
const queueLabel = 'kueue.x-k8s.io/queue-name';

/** The A100 manifest of the library with two GPU workers, labelled for team-a's queue. */
function a100Cluster(name: string): KubeObject {
  const manifest = readManifest('raycluster-gpu-tainted.yaml');
  const spec = recordOf(manifest['spec']);
  const workers = listOf(spec['workerGroupSpecs']).map((group) => ({
    ...recordOf(group),
    replicas: 2,
  }));
  return {
    ...manifest,
    metadata: { name, labels: { [queueLabel]: 'default' } },
    spec: { ...spec, workerGroupSpecs: workers },
  };
}

function condition(object: unknown, type: string): Record<string, unknown> | undefined {
  return listOf(recordOf(recordOf(object)['status'])['conditions'])
    .map(recordOf)
    .find((entry) => entry['type'] === type);
}

describe('sandbox Kueue (built-in world, team-a)', () => {
  let sandbox: TestSandbox;
  let kubectl: ReturnType<typeof kubectlRunner>;

  beforeAll(async () => {
    sandbox = await startWorldTestSandbox({ speed: 50 });
    kubectl = kubectlRunner(sandbox.kubeconfig);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function workloadOf(cluster: string): Promise<KubeObject | undefined> {
    const list = await sandbox.request('GET', `${base}/namespaces/team-a/workloads`);
    return listOf(recordOf(list.body)['items'])
      .map(recordOf)
      .find((item) =>
        listOf(recordOf(item['metadata'])['ownerReferences']).some(
          (owner) => recordOf(owner)['name'] === cluster,
        ),
      );
  }

  /** The `ray-workloads` ConfigMap the manifest library mounts (as its comments say to create). */
  async function ensureWorkloadsConfigMap(): Promise<void> {
    const file = (name: string) =>
      readFileSync(new URL(`../../../../workloads/${name}`, import.meta.url), 'utf8');
    const created = await sandbox.request('POST', '/api/v1/namespaces/team-a/configmaps', {
      metadata: { name: 'ray-workloads' },
      data: { 'pi_tasks.py': file('pi_tasks.py'), 'serve_hello.py': file('serve_hello.py') },
    });
    expect([201, 409]).toContain(created.status);
  }

  async function rayCluster(name: string): Promise<Record<string, unknown>> {
    const response = await sandbox.request(
      'GET',
      `/apis/ray.io/v1/namespaces/team-a/rayclusters/${name}`,
    );
    return recordOf(response.body);
  }

  it('serves the world flavors and queues', async () => {
    const flavors = await sandbox.request('GET', `${base}/resourceflavors`);
    const names = listOf(recordOf(flavors.body)['items']).map((item) =>
      textOf(recordOf(recordOf(item)['metadata'])['name']),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'default-flavor',
        'nvidia-a100-sxm4-80gb',
        'nvidia-geforce-rtx-4090',
      ]),
    );
    const queue = await sandbox.request('GET', `${base}/clusterqueues/team-a`);
    expect(recordOf(recordOf(queue.body)['spec'])['cohort']).toBe('gpu-lab');
    await eventually(
      async () =>
        condition((await sandbox.request('GET', `${base}/clusterqueues/team-a`)).body, 'Active')?.[
          'status'
        ] === 'True',
      'ClusterQueue team-a Active',
    );
  });

  it('a RayCluster without the queue label is not suspended', async () => {
    const cluster = a100Cluster('plain');
    const created = await sandbox.request('POST', '/apis/ray.io/v1/namespaces/team-b/rayclusters', {
      ...cluster,
      metadata: { name: 'plain' },
    });
    expect(created.status).toBe(201);
    expect(recordOf(recordOf(created.body)['spec'])['suspend']).toBeUndefined();
  });

  it('admits one cluster, queues the second with Kueue’s message, admits it after the first is deleted', async () => {
    const first = await sandbox.request(
      'POST',
      '/apis/ray.io/v1/namespaces/team-a/rayclusters',
      a100Cluster('first'),
    );
    expect(first.status).toBe(201);
    // Kueue's webhook: created suspended until admitted.
    expect(recordOf(recordOf(first.body)['spec'])['suspend']).toBe(true);
    await eventually(
      async () => condition(await workloadOf('first'), 'Admitted')?.['status'] === 'True',
      'first admitted',
    );
    await eventually(
      async () => recordOf((await rayCluster('first'))['spec'])['suspend'] === false,
      'first unsuspended',
    );
    const admittedWorkload = await workloadOf('first');
    const assignments = listOf(
      recordOf(recordOf(admittedWorkload?.['status'])['admission'])['podSetAssignments'],
    ).map(recordOf);
    expect(assignments.map((entry) => entry['name'])).toEqual(['head', 'a100']);
    expect(recordOf(assignments[1]?.['flavors'])).toEqual({
      cpu: 'default-flavor',
      memory: 'default-flavor',
      'nvidia.com/gpu': 'nvidia-a100-sxm4-80gb',
    });
    expect(recordOf(assignments[1]?.['resourceUsage'])['nvidia.com/gpu']).toBe('2');

    const second = await sandbox.request(
      'POST',
      '/apis/ray.io/v1/namespaces/team-a/rayclusters',
      a100Cluster('second'),
    );
    expect(second.status).toBe(201);
    await eventually(
      async () => condition(await workloadOf('second'), 'QuotaReserved')?.['reason'] === 'Pending',
      'second pending',
    );
    const pending = condition(await workloadOf('second'), 'QuotaReserved');
    expect(pending?.['message']).toBe(
      "couldn't assign flavors to pod set a100: insufficient unused quota for nvidia.com/gpu in flavor nvidia-a100-sxm4-80gb, 2 more needed",
    );
    expect(recordOf((await rayCluster('second'))['spec'])['suspend']).toBe(true);
    await eventually(async () => {
      const queue = recordOf((await sandbox.request('GET', `${base}/clusterqueues/team-a`)).body);
      const status = recordOf(queue['status']);
      const order = listOf(
        recordOf(status['pendingWorkloadsStatus'])['clusterQueuePendingWorkload'],
      );
      return (
        status['pendingWorkloads'] === 1 &&
        status['admittedWorkloads'] === 1 &&
        order.length === 1 &&
        textOf(recordOf(order[0])['name']).startsWith('raycluster-second-')
      );
    }, 'ClusterQueue counts the second as pending, first in line');
    const local = recordOf(
      (await sandbox.request('GET', `${base}/namespaces/team-a/localqueues/default`)).body,
    );
    expect(recordOf(local['status'])['pendingWorkloads']).toBe(1);

    // kubectl with Kueue's printer columns.
    const workloads = expectKubectlOk(await kubectl(['get', 'workloads', '-n', 'team-a']));
    expect(workloads.split('\n')[0]).toMatch(
      /^NAME\s+QUEUE\s+RESERVED IN\s+ADMITTED\s+FINISHED\s+AGE$/,
    );
    expect(workloads).toMatch(/raycluster-first-\w+\s+default\s+team-a\s+True\s+/);
    expect(workloads).toMatch(/raycluster-second-\w+\s+default\s+\s+/);
    const queues = expectKubectlOk(await kubectl(['get', 'clusterqueues']));
    expect(queues.split('\n')[0]).toMatch(/^NAME\s+COHORT\s+PENDING WORKLOADS$/);
    expect(queues).toMatch(/team-a\s+gpu-lab\s+1/);
    const wide = expectKubectlOk(await kubectl(['get', 'cq', '-o', 'wide']));
    expect(wide.split('\n')[0]).toMatch(/STRATEGY\s+PENDING WORKLOADS\s+ADMITTED WORKLOADS/);
    const localQueues = expectKubectlOk(await kubectl(['get', 'localqueues', '-n', 'team-a']));
    expect(localQueues).toMatch(/default\s+team-a\s+1\s+1/);
    const flavors = expectKubectlOk(await kubectl(['get', 'resourceflavors']));
    expect(flavors).toMatch(/nvidia-a100-sxm4-80gb/);

    const deleted = await sandbox.request(
      'DELETE',
      '/apis/ray.io/v1/namespaces/team-a/rayclusters/first',
    );
    expect(deleted.status).toBe(200);
    await eventually(
      async () => condition(await workloadOf('second'), 'Admitted')?.['status'] === 'True',
      'second admitted after the first was deleted',
    );
    await eventually(async () => {
      const cluster = await rayCluster('second');
      const workers = listOf(recordOf(cluster['spec'])['workerGroupSpecs']).map(recordOf);
      const podSpec = recordOf(recordOf(workers[0]?.['template'])['spec']);
      return (
        recordOf(cluster['spec'])['suspend'] === false &&
        recordOf(podSpec['nodeSelector'])['nvidia.com/gpu.product'] === 'NVIDIA-A100-SXM4-80GB'
      );
    }, 'second unsuspended with the flavor node labels');
    await eventually(
      async () => recordOf((await rayCluster('second'))['status'])['state'] === 'ready',
      'second becomes ready on the A100 node',
      30_000,
    );
  });

  it('admits a labelled RayJob as one Workload, leaves its own RayCluster alone, and finishes it', async () => {
    await ensureWorkloadsConfigMap();
    const manifest = readManifest('rayjob-pi-tasks.yaml');
    const created = await sandbox.request('POST', '/apis/ray.io/v1/namespaces/team-a/rayjobs', {
      ...manifest,
      metadata: { name: 'pi', labels: { [queueLabel]: 'default' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(recordOf(recordOf(created.body)['spec'])['suspend']).toBe(true);
    await eventually(
      async () => condition(await workloadOf('pi'), 'Admitted')?.['status'] === 'True',
      'the RayJob is admitted',
    );
    const workload = await workloadOf('pi');
    expect(textOf(recordOf(workload?.['metadata'])['name'])).toMatch(/^rayjob-pi-[0-9a-f]{5}$/);
    await eventually(async () => {
      const clusters = await sandbox.request(
        'GET',
        '/apis/ray.io/v1/namespaces/team-a/rayclusters',
      );
      return listOf(recordOf(clusters.body)['items']).some((item) =>
        textOf(recordOf(recordOf(item)['metadata'])['name']).startsWith('pi-'),
      );
    }, 'KubeRay creates the RayJob cluster');
    const clusters = await sandbox.request('GET', '/apis/ray.io/v1/namespaces/team-a/rayclusters');
    const jobCluster = listOf(recordOf(clusters.body)['items'])
      .map(recordOf)
      .find((item) => textOf(recordOf(item['metadata'])['name']).startsWith('pi-'));
    // The label reaches the cluster, but Kueue admits it with its RayJob: no suspend, no Workload.
    expect(recordOf(recordOf(jobCluster?.['metadata'])['labels'])[queueLabel]).toBe('default');
    expect(recordOf(jobCluster?.['spec'])['suspend']).not.toBe(true);
    expect(await workloadOf(textOf(recordOf(jobCluster?.['metadata'])['name']))).toBeUndefined();
    await eventually(
      async () => condition(await workloadOf('pi'), 'Finished')?.['status'] === 'True',
      'the Workload finishes with its RayJob',
      60_000,
    );
    expect(condition(await workloadOf('pi'), 'Finished')).toMatchObject({
      reason: 'Succeeded',
      message: 'Job finished successfully',
    });
  }, 90_000);

  it('queues a labelled RayService through its RayCluster, which becomes ready once admitted', async () => {
    await ensureWorkloadsConfigMap();
    const manifest = readManifest('rayservice-hello.yaml');
    const created = await sandbox.request('POST', '/apis/ray.io/v1/namespaces/team-a/rayservices', {
      ...manifest,
      metadata: { name: 'hello', labels: { [queueLabel]: 'default' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    let clusterName = '';
    await eventually(async () => {
      const clusters = await sandbox.request(
        'GET',
        '/apis/ray.io/v1/namespaces/team-a/rayclusters',
      );
      clusterName =
        listOf(recordOf(clusters.body)['items'])
          .map((item) => textOf(recordOf(recordOf(item)['metadata'])['name']))
          .find((name) => name.startsWith('hello-')) ?? '';
      return (
        clusterName !== '' &&
        condition(await workloadOf(clusterName), 'Admitted')?.['status'] === 'True'
      );
    }, 'the RayService cluster is admitted');
    expect(textOf(recordOf((await workloadOf(clusterName))?.['metadata'])['name'])).toMatch(
      /^raycluster-hello-/,
    );
    await eventually(
      async () => recordOf((await rayCluster(clusterName))['status'])['state'] === 'ready',
      'the RayService cluster becomes ready',
      30_000,
    );
    expect(recordOf((await rayCluster(clusterName))['spec'])['suspend']).toBe(false);
  }, 60_000);

  it('rejects a queued RayJob that would keep its cluster, as Kueue’s webhook does', async () => {
    const response = await sandbox.request('POST', '/apis/ray.io/v1/namespaces/team-a/rayjobs', {
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: { name: 'keeps', labels: { [queueLabel]: 'default' } },
      spec: {
        entrypoint: 'python -c "print(1)"',
        rayClusterSpec: recordOf(a100Cluster('x')['spec']),
      },
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(response.body)).toContain(
      'a kueue managed job should delete the cluster after finishing',
    );
  });
});
