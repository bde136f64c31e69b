import { describe, expect, it } from 'vitest';

import type { GroupExplanation } from '../../../shared/ray/explainCluster.ts';
import type { RayClusterResource, WorkerGroupSpec } from '../../../shared/ray/rayTypes.ts';
import { workerGroupsOf } from './workerGroupsOf.ts';

function group(overrides: Partial<WorkerGroupSpec> & Pick<WorkerGroupSpec, 'groupName'>) {
  return { template: { spec: { containers: [] } }, ...overrides } as WorkerGroupSpec;
}

const resource = {
  metadata: { name: 'c', namespace: 'team-a' },
  spec: {
    workerGroupSpecs: [
      group({
        groupName: 'gpu',
        replicas: 2,
        minReplicas: 1,
        maxReplicas: 4,
        template: {
          spec: {
            containers: [{ name: 'w', resources: { limits: { 'nvidia.com/gpu': '2' } } }],
            nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
          },
        },
      }),
      group({ groupName: 'cpu', maxReplicas: 2147483647 }),
    ],
  },
} as unknown as RayClusterResource;

const explanation = [
  { group: 'gpu', kind: 'worker', desired: 2, ready: 1, summary: '1 of 2 workers ready.' },
  { group: 'gpu', kind: 'head', desired: 1, ready: 0, summary: 'not this one' },
] as GroupExplanation[];

describe('workerGroupsOf', () => {
  it('joins spec and explanation per group, in spec order, with defaults', () => {
    expect(workerGroupsOf(resource, explanation)).toEqual([
      {
        name: 'gpu',
        replicas: 2,
        minReplicas: 1,
        maxReplicas: 4,
        desired: 2,
        ready: 1,
        gpusPerWorker: 2,
        gpuProducts: ['NVIDIA-A100-SXM4-80GB'],
        summary: '1 of 2 workers ready.',
      },
      {
        name: 'cpu',
        replicas: 0,
        minReplicas: 0,
        maxReplicas: undefined,
        desired: 0,
        ready: 0,
        gpusPerWorker: 0,
        gpuProducts: [],
        summary: undefined,
      },
    ]);
  });
});
