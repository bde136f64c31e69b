import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import { clusterGpuDemand } from './clusterGpuDemand.ts';
import { fitsNow } from './fitsNow.ts';
import { gpuInventory } from './gpuInventory.ts';
import { gpuQuotaHeadroom } from './gpuQuotaHeadroom.ts';
import type { RayClusterResource } from './rayTypes.ts';

const world = loadFixture('raycluster-pending-gpu');
const demand = clusterGpuDemand(world.cluster);
const busy = gpuInventory({ nodes: world.nodes, pods: world.allPods ?? [] });
const idle = gpuInventory({ nodes: world.nodes, pods: [] });

function withWorkerTemplate(
  cluster: RayClusterResource,
  change: (spec: RayClusterResource['spec']['headGroupSpec']['template']['spec']) => object,
): RayClusterResource {
  const group = cluster.spec.workerGroupSpecs?.[0];
  if (!group) throw new Error('fixture changed');
  return {
    ...cluster,
    spec: {
      ...cluster.spec,
      workerGroupSpecs: [
        {
          ...group,
          template: { spec: { ...group.template.spec, ...change(group.template.spec) } },
        },
      ],
    },
  };
}

describe('fitsNow', () => {
  it('says no when the wanted GPUs are all held, and why', () => {
    const result = fitsNow({ demand, inventory: busy });
    expect(result).toMatchObject({
      fits: false,
      placements: [],
      unplaced: [{ group: 'a100', pods: 3, gpusPerPod: 1 }],
      quotaShortfall: [],
    });
    expect(result.reasons).toEqual([
      'No room for 3 pods of group a100 needing 1 NVIDIA A100 each: 0 free now.',
    ]);
  });

  it('places pods on the tolerated, matching node when GPUs are free', () => {
    const result = fitsNow({ demand, inventory: idle });
    expect(result.fits).toBe(true);
    expect(result.reasons).toEqual([]);
    expect(result.placements).toEqual(
      Array.from({ length: 3 }, () => ({
        group: 'a100',
        node: 'gpu-a100-1',
        resource: 'nvidia.com/gpu',
        gpus: 1,
      })),
    );
  });

  it('checks the quota headroom per resource', () => {
    const result = fitsNow({
      demand,
      inventory: idle,
      quotaHeadroom: gpuQuotaHeadroom(world.quotas).free,
    });
    expect(result.fits).toBe(false);
    expect(result.quotaShortfall).toEqual([{ resource: 'nvidia.com/gpu', wanted: 3, headroom: 0 }]);
    expect(result.reasons).toEqual(['The quota allows 0 more GPUs (nvidia.com/gpu), 3 wanted.']);
  });

  it('does not place pods on nodes whose taints they do not tolerate', () => {
    const untolerating = withWorkerTemplate(world.cluster, () => ({ tolerations: [] }));
    const result = fitsNow({ demand: clusterGpuDemand(untolerating), inventory: idle });
    expect(result.fits).toBe(false);
    expect(result.reasons).toEqual([
      'Every NVIDIA A100 node has a taint the pods of group a100 do not tolerate (nvidia.com/gpu=present:NoSchedule).',
    ]);
  });

  it('says when no node offers the product', () => {
    const h100 = withWorkerTemplate(world.cluster, () => ({
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
    }));
    expect(fitsNow({ demand: clusterGpuDemand(h100), inventory: idle }).reasons).toEqual([
      'No node offers NVIDIA H100s (nvidia.com/gpu) for 3 pods of group a100 needing 1 NVIDIA H100 each.',
    ]);
  });

  it('bin-packs largest pods first onto the fullest node that still fits', () => {
    const anyGpu = withWorkerTemplate(world.cluster, (spec) => ({
      nodeSelector: undefined,
      containers: spec.containers.map((container) => ({
        ...container,
        resources: { limits: { 'nvidia.com/gpu': '2' } },
      })),
    }));
    const twoEach = clusterGpuDemand({
      ...anyGpu,
      spec: {
        ...anyGpu.spec,
        workerGroupSpecs: anyGpu.spec.workerGroupSpecs?.map((group) => ({ ...group, replicas: 3 })),
      },
    });
    const result = fitsNow({ demand: twoEach, inventory: idle });
    expect(result.fits).toBe(true);
    expect(result.placements.map((placement) => placement.node).sort()).toEqual([
      'gpu-a100-1',
      'gpu-a100-1',
      'gpu-rtx4090-1',
    ]);
  });

  it('fits trivially when nothing wants GPUs', () => {
    const { cluster } = loadFixture('raycluster-provisioning');
    expect(
      fitsNow({ demand: clusterGpuDemand(cluster), inventory: busy, quotaHeadroom: {} }),
    ).toEqual({
      fits: true,
      reasons: [],
      placements: [],
      unplaced: [],
      quotaShortfall: [],
    });
  });
});
