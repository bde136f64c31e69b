import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { type ManualWorld, startManualWorld } from '../core/startManualWorld.ts';
import { listOf, recordOf, textOf } from './kueueModel.ts';
import { startKueue } from './startKueue.ts';

// Borrowing and reclamation within a cohort on a ManualClock: two teams share 4 A100s, 2 each.

const worldYaml = `
nodePools:
  - name: cpu
    count: 1
    cpu: 16
    memory: 64Gi
  - name: gpu-a100
    count: 1
    cpu: 64
    memory: 512Gi
    gpu: { count: 4, product: NVIDIA-A100-SXM4-80GB, memoryMiB: 81920 }
namespaces:
  - name: team-a
  - name: team-b
kueue:
  queues:
    - namespace: team-a
      cohort: lab
      cpu: "64"
      memory: 256Gi
      gpus: { NVIDIA-A100-SXM4-80GB: 2 }
    - namespace: team-b
      cohort: lab
      cpu: "64"
      memory: 256Gi
      gpus: { NVIDIA-A100-SXM4-80GB: 2 }
`;

function cluster(name: string, gpus: number): KubeObject {
  const container = (image: string, limits: Record<string, string>) => ({
    name: 'ray',
    image,
    resources: { requests: { cpu: '1', memory: '2Gi' }, limits },
  });
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, labels: { 'kueue.x-k8s.io/queue-name': 'default' } },
    spec: {
      headGroupSpec: {
        rayStartParams: {},
        template: { spec: { containers: [container('rayproject/ray:2.52.0', {})] } },
      },
      workerGroupSpecs: [
        {
          groupName: 'gpu',
          replicas: gpus,
          minReplicas: 0,
          maxReplicas: 4,
          rayStartParams: {},
          template: {
            spec: {
              containers: [container('rayproject/ray:2.52.0-gpu', { 'nvidia.com/gpu': '1' })],
            },
          },
        },
      ],
    },
  };
}

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

describe('sandbox Kueue preemption within a cohort', () => {
  it('lets team-b borrow, then team-a reclaims its nominal quota by evicting the borrower', async () => {
    const current = await startManualWorld({
      worldYaml,
      extraControllers: (context) => [startKueue(context, context.world.kueue ?? { queues: [] })],
    });
    world = current;
    const rayClusters = current.type('ray.io', 'rayclusters');
    const kueueType = (plural: string) => {
      const type = current.api.registry.lookup('kueue.x-k8s.io', 'v1beta1', plural);
      if (!type) throw new Error(`${plural} are not served`);
      return type;
    };
    const workloadsType = kueueType('workloads');
    const workloadOf = (namespace: string, name: string) =>
      current.api
        .list(workloadsType, { namespace })
        .items.find((item) => item.metadata?.ownerReferences?.[0]?.name === name);
    const conditionOf = (object: KubeObject | undefined, type: string) =>
      listOf(recordOf(object?.['status'])['conditions'])
        .map(recordOf)
        .find((entry) => entry['type'] === type);
    const suspended = (namespace: string, name: string) =>
      recordOf(current.api.get(rayClusters, namespace, name)['spec'])['suspend'];

    current.api.create(rayClusters, 'team-b', cluster('borrower', 3));
    await current.advance(1000);
    expect(conditionOf(workloadOf('team-b', 'borrower'), 'Admitted')?.['status']).toBe('True');
    expect(suspended('team-b', 'borrower')).toBe(false);
    const queueB = current.api.get(kueueType('clusterqueues'), undefined, 'team-b');
    const reservation = listOf(recordOf(queueB['status'])['flavorsReservation'])
      .map(recordOf)
      .find((entry) => entry['name'] === 'nvidia-a100-sxm4-80gb');
    expect(listOf(reservation?.['resources'])).toEqual([
      { name: 'nvidia.com/gpu', total: '3', borrowed: '1' },
    ]);

    current.api.create(rayClusters, 'team-a', cluster('owner', 2));
    await current.advance(1000);
    const victim = workloadOf('team-b', 'borrower');
    const preemptor = workloadOf('team-a', 'owner');
    expect(conditionOf(preemptor, 'Admitted')?.['status']).toBe('True');
    expect(conditionOf(victim, 'Evicted')).toMatchObject({ status: 'True', reason: 'Preempted' });
    expect(conditionOf(victim, 'Preempted')).toMatchObject({
      status: 'True',
      reason: 'InCohortReclamation',
    });
    expect(textOf(conditionOf(victim, 'Evicted')?.['message'])).toBe(
      `Preempted to accommodate a workload (UID: ${preemptor?.metadata?.uid ?? ''}, JobUID: ${
        current.api.get(rayClusters, 'team-a', 'owner').metadata?.uid ?? ''
      }) due to reclamation within the cohort`,
    );
    expect(suspended('team-b', 'borrower')).toBe(true);
    expect(suspended('team-a', 'owner')).toBe(false);
    // Requeued: now it needs 3 while the cohort has 2 unused.
    await current.advance(1000);
    expect(conditionOf(workloadOf('team-b', 'borrower'), 'QuotaReserved')?.['message']).toBe(
      "couldn't assign flavors to pod set gpu: insufficient unused quota for nvidia.com/gpu in flavor nvidia-a100-sxm4-80gb, 1 more needed",
    );
  });
});
