import { describe, expect, it } from 'vitest';

import { assignFlavors, QuotaSnapshot, usageKey } from './assignFlavors.ts';
import {
  type ClusterQueue,
  clusterQueueOf,
  type Flavor,
  flavorOf,
  podSetOf,
} from './kueueModel.ts';

// Kueue's quota arithmetic and flavor assignment on plain objects, as they would be stored.

function queue(
  name: string,
  cohort: string | undefined,
  gpu: Record<string, unknown>,
): ClusterQueue {
  return clusterQueueOf({
    metadata: { name, uid: `uid-${name}` },
    spec: {
      ...(cohort ? { cohort } : {}),
      resourceGroups: [
        {
          coveredResources: ['cpu', 'memory'],
          flavors: [
            {
              name: 'default-flavor',
              resources: [
                { name: 'cpu', nominalQuota: '64' },
                { name: 'memory', nominalQuota: '256Gi' },
              ],
            },
          ],
        },
        {
          coveredResources: ['nvidia.com/gpu'],
          flavors: [
            { name: 'rtx', resources: [{ name: 'nvidia.com/gpu', nominalQuota: 1 }] },
            { name: 'a100', resources: [{ name: 'nvidia.com/gpu', ...gpu }] },
          ],
        },
      ],
    },
  });
}

const flavors = new Map<string, Flavor>(
  [
    flavorOf({ metadata: { name: 'default-flavor' }, spec: {} }),
    flavorOf({
      metadata: { name: 'rtx' },
      spec: { nodeLabels: { 'nvidia.com/gpu.product': 'RTX' } },
    }),
    flavorOf({
      metadata: { name: 'a100' },
      spec: {
        nodeLabels: { 'nvidia.com/gpu.product': 'A100' },
        nodeTaints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      },
    }),
  ].map((flavor) => [flavor.name, flavor]),
);

const a100Toleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

function gpuWorkers(count: number, extra: Record<string, unknown> = {}) {
  return podSetOf('gpu', count, {
    spec: {
      ...extra,
      containers: [{ resources: { requests: { cpu: '2' }, limits: { 'nvidia.com/gpu': '1' } } }],
    },
  });
}

describe('assignFlavors', () => {
  it('takes the first flavor that fits and says why the others do not', () => {
    const team = queue('team', undefined, { nominalQuota: 2 });
    const snapshot = new QuotaSnapshot(new Map([[team.name, team]]));
    const result = assignFlavors(
      team,
      [gpuWorkers(2, { tolerations: [a100Toleration] })],
      flavors,
      snapshot,
    );
    expect(result.fits && result.podSets[0]?.flavors).toEqual({
      cpu: 'default-flavor',
      'nvidia.com/gpu': 'a100',
    });
    // Without the toleration the tainted flavor is skipped; the RTX flavor has 1 GPU of quota.
    const untolerated = assignFlavors(team, [gpuWorkers(2)], flavors, snapshot);
    expect(untolerated.fits ? '' : untolerated.message).toBe(
      "couldn't assign flavors to pod set gpu: insufficient quota for nvidia.com/gpu in flavor rtx, previously considered podsets requests (0) + current podset request (2) > maximum capacity (1), untolerated taint {nvidia.com/gpu present NoSchedule <nil>} in flavor a100",
    );
    const selecting = assignFlavors(
      team,
      [
        gpuWorkers(1, {
          nodeSelector: { 'nvidia.com/gpu.product': 'A100' },
          tolerations: [a100Toleration],
        }),
      ],
      flavors,
      snapshot,
    );
    expect(selecting.fits && selecting.podSets[0]?.flavors['nvidia.com/gpu']).toBe('a100');
  });

  it('counts reserved quota and earlier pod sets of the same workload', () => {
    const team = queue('team', undefined, { nominalQuota: 2 });
    const snapshot = new QuotaSnapshot(new Map([[team.name, team]]));
    snapshot.add(
      'team',
      new Map([
        [usageKey('a100', 'nvidia.com/gpu'), 1],
        [usageKey('rtx', 'nvidia.com/gpu'), 1],
      ]),
    );
    const result = assignFlavors(
      team,
      [
        gpuWorkers(1, { tolerations: [a100Toleration] }),
        { ...gpuWorkers(1, { tolerations: [a100Toleration] }), name: 'more' },
      ],
      flavors,
      snapshot,
    );
    expect(result.fits ? '' : result.message).toBe(
      "couldn't assign flavors to pod set more: insufficient unused quota for nvidia.com/gpu in flavor rtx, 1 more needed, insufficient unused quota for nvidia.com/gpu in flavor a100, 1 more needed",
    );
  });

  it('borrows unused quota of the cohort within the borrowing limit and never past a lending limit', () => {
    const a = queue('a', 'lab', { nominalQuota: 2 });
    const b = queue('b', 'lab', { nominalQuota: 2, lendingLimit: 1 });
    const queues = new Map([
      [a.name, a],
      [b.name, b],
    ]);
    const snapshot = new QuotaSnapshot(queues);
    // a may use its 2 plus the 1 GPU b lends.
    expect(snapshot.available(a, 'a100', 'nvidia.com/gpu')).toBe(3);
    expect(snapshot.maximumCapacity(a, 'a100', 'nvidia.com/gpu')).toBe(3);
    // b keeps 1 GPU for itself whatever a does, and may borrow both of a's.
    expect(snapshot.available(b, 'a100', 'nvidia.com/gpu')).toBe(4);
    snapshot.add('a', new Map([[usageKey('a100', 'nvidia.com/gpu'), 3]]));
    expect(snapshot.available(b, 'a100', 'nvidia.com/gpu')).toBe(1);
    expect(snapshot.available(a, 'a100', 'nvidia.com/gpu')).toBe(0);

    const capped = queue('c', 'lab', { nominalQuota: 0, borrowingLimit: 1 });
    const withCapped = new QuotaSnapshot(new Map([...queues, [capped.name, capped]]));
    expect(withCapped.available(capped, 'a100', 'nvidia.com/gpu')).toBe(1);
  });

  it('names resources the ClusterQueue does not cover', () => {
    const team = queue('team', undefined, { nominalQuota: 2 });
    const snapshot = new QuotaSnapshot(new Map([[team.name, team]]));
    const tpu = podSetOf('head', 1, {
      spec: { containers: [{ resources: { limits: { 'google.com/tpu': '4' } } }] },
    });
    const result = assignFlavors(team, [tpu], flavors, snapshot);
    expect(result.fits ? '' : result.message).toBe(
      "couldn't assign flavors to pod set head: resource google.com/tpu unavailable in ClusterQueue",
    );
  });
});
