import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { PodResource } from '../../shared/k8s/kubeTypes.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import { ClusterIndex } from './ClusterIndex.ts';

/** A cache holding fixed clusters and pods: all the index reads. */
function fakeCache(clusters: RayClusterResource[], pods: PodResource[]): KubeCache {
  return {
    list: (kind: string) => (kind === 'RayCluster' ? clusters : pods),
    get: () => undefined,
    podsOfCluster: (namespace: string, name: string) =>
      pods.filter(
        (pod) =>
          pod.metadata.namespace === namespace && pod.metadata.labels?.['ray.io/cluster'] === name,
      ),
    subscribe: () => () => {},
    serves: () => true,
  } as unknown as KubeCache;
}

function named(
  scenario: Parameters<typeof loadFixture>[0],
  name: string,
  createdAt: string,
): { cluster: RayClusterResource; pods: PodResource[] } {
  const { cluster, pods } = loadFixture(scenario);
  const old = cluster.metadata.name ?? '';
  return {
    cluster: { ...cluster, metadata: { ...cluster.metadata, name, creationTimestamp: createdAt } },
    pods: pods.map((pod) => ({
      ...pod,
      metadata: {
        ...pod.metadata,
        labels: { ...pod.metadata.labels, 'ray.io/cluster': name },
        name: (pod.metadata.name ?? '').replace(old, name),
      },
    })),
  };
}

const entries = [
  named('raycluster-ready', 'train-10', '2026-11-03T00:00:00Z'),
  named('raycluster-scaling-up', 'train-9', '2026-11-02T00:00:00Z'),
  named('raycluster-suspended', 'serve', '2026-11-01T00:00:00Z'),
];
const index = new ClusterIndex(
  fakeCache(
    entries.map((entry) => entry.cluster),
    entries.flatMap((entry) => entry.pods),
  ),
);
const names = (query: Parameters<ClusterIndex['list']>[0]) =>
  index.list(query, '*').items.map((row) => row.name);

describe('ClusterIndex.list', () => {
  it('lists newest first by default', () => {
    expect(names({})).toEqual(['train-10', 'train-9', 'serve']);
  });

  it('sorts names naturally, either way', () => {
    expect(names({ sort: 'name' })).toEqual(['serve', 'train-9', 'train-10']);
    expect(names({ sort: 'name', order: 'desc' })).toEqual(['train-10', 'train-9', 'serve']);
  });

  it('sorts phases in lifecycle order and filters by the new phases', () => {
    expect(names({ sort: 'phase' })).toEqual(['train-9', 'train-10', 'serve']);
    expect(names({ phase: 'Scaling' })).toEqual(['train-9']);
  });

  it('pages a sorted list with the cursor', () => {
    const first = index.list({ sort: 'name', limit: 2 }, '*');
    expect(first.items.map((row) => row.name)).toEqual(['serve', 'train-9']);
    expect(first.total).toBe(3);
    const second = index.list({ sort: 'name', limit: 2, cursor: first.nextCursor }, '*');
    expect(second.items.map((row) => row.name)).toEqual(['train-10']);
    expect(second.nextCursor).toBeUndefined();
  });
});
