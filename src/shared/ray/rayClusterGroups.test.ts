import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import {
  groupOfPodName,
  isPodOfCluster,
  isPodOfGroup,
  rayClusterGroups,
} from './rayClusterGroups.ts';
import type { RayClusterResource, WorkerGroupSpec } from './rayTypes.ts';

const template = { spec: { containers: [{ name: 'ray-worker' }] } };

function clusterWith(groups: WorkerGroupSpec[], name = 'c', suspend = false): RayClusterResource {
  return {
    metadata: { name, namespace: 'ns' },
    spec: {
      suspend,
      headGroupSpec: { template: { spec: { containers: [{ name: 'ray-head' }] } } },
      workerGroupSpecs: groups,
    },
  };
}

describe('rayClusterGroups', () => {
  it('lists the head, then worker groups with clamped replicas × numOfHosts', () => {
    const groups = rayClusterGroups(
      clusterWith([
        { groupName: 'a', replicas: 5, minReplicas: 1, maxReplicas: 3, template },
        { groupName: 'b', replicas: 0, minReplicas: 2, maxReplicas: 4, numOfHosts: 2, template },
        { groupName: 'c', template },
        { groupName: 'd', replicas: 2, suspend: true, template },
      ]),
    );
    expect(groups.map((group) => [group.name, group.kind, group.desired])).toEqual([
      ['headgroup', 'head', 1],
      ['a', 'worker', 3],
      ['b', 'worker', 4],
      ['c', 'worker', 0],
      ['d', 'worker', 0],
    ]);
  });

  it('wants nothing while the cluster is suspended', () => {
    const groups = rayClusterGroups(
      clusterWith([{ groupName: 'a', replicas: 2, template }], 'c', true),
    );
    expect(groups.map((group) => group.desired)).toEqual([0, 0]);
  });

  it("agrees with KubeRay's status.desiredWorkerReplicas on the fixtures", () => {
    for (const scenario of [
      'raycluster-ready',
      'raycluster-pending-gpu',
      'raycluster-degraded',
    ] as const) {
      const { cluster } = loadFixture(scenario);
      const workers = rayClusterGroups(cluster).filter((group) => group.kind === 'worker');
      expect(
        workers.reduce((sum, group) => sum + group.desired, 0),
        scenario,
      ).toBe(cluster.status?.desiredWorkerReplicas);
    }
  });

  it('knows the pod name prefixes, truncated to 50 characters as KubeRay does', () => {
    const longName = 'a-very-long-cluster-name-for-a-research-team-x';
    const groups = rayClusterGroups(
      clusterWith([{ groupName: 'gpu-workers', template }], longName),
    );
    expect(groups.map((group) => group.podNamePrefix)).toEqual([
      `${longName}-head-`,
      `${`${longName}-gpu-workers`.slice(0, 50)}-worker-`,
    ]);
  });
});

describe('pod membership', () => {
  const { cluster, pods } = loadFixture('raycluster-deleting');
  const groups = rayClusterGroups(cluster);

  it('matches pods by cluster label and namespace', () => {
    expect(pods.every((pod) => isPodOfCluster(pod, cluster))).toBe(true);
    const elsewhere = { ...cluster, metadata: { ...cluster.metadata, namespace: 'team-b' } };
    expect(pods.some((pod) => isPodOfCluster(pod, elsewhere))).toBe(false);
  });

  it("counts head and worker pods, but not the Redis cleanup Job's pod", () => {
    const [head, worker] = groups;
    if (!head || !worker) throw new Error('fixture changed');
    const names = (group: typeof head) =>
      pods.filter((pod) => isPodOfGroup(pod, group)).map((pod) => pod.metadata.name);
    expect(names(head)).toEqual([expect.stringMatching(/^ft-serve-head-/)]);
    expect(names(worker)).toEqual([expect.stringMatching(/^ft-serve-cpu-worker-/)]);
    expect(pods).toHaveLength(3);
  });

  it('finds the group a pod name (or generateName prefix) was made for', () => {
    expect(groupOfPodName('ft-serve-cpu-worker-x7k2p', groups)?.name).toBe('cpu');
    expect(groupOfPodName('ft-serve-cpu-worker-', groups)?.name).toBe('cpu');
    expect(groupOfPodName('ft-serve-head-9fl2m', groups)?.name).toBe('headgroup');
    expect(groupOfPodName('ft-serve-head', groups)?.name).toBe('headgroup');
    expect(groupOfPodName('other-head-9fl2m', groups)).toBeUndefined();
  });
});
