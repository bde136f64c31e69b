import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import { clusterGpuDemand, productsName } from './clusterGpuDemand.ts';
import type { RayClusterResource } from './rayTypes.ts';

describe('clusterGpuDemand', () => {
  it('sums GPUs per group and per product from the spec', () => {
    const { cluster } = loadFixture('raycluster-pending-gpu');
    expect(clusterGpuDemand(cluster)).toEqual({
      groups: [
        {
          group: 'a100',
          kind: 'worker',
          pods: 3,
          perPod: { 'nvidia.com/gpu': 1 },
          gpusPerPod: 1,
          products: ['NVIDIA-A100-SXM4-80GB'],
          tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }],
        },
      ],
      total: 3,
      byProduct: [
        {
          resource: 'nvidia.com/gpu',
          products: ['NVIDIA-A100-SXM4-80GB'],
          productName: 'NVIDIA A100',
          gpus: 3,
        },
      ],
    });
  });

  it('matches KubeRay status.desiredGPU on every fixture', () => {
    for (const scenario of [
      'raycluster-ready',
      'raycluster-quota-rejected',
      'raycluster-provisioning',
    ] as const) {
      const { cluster } = loadFixture(scenario);
      expect(clusterGpuDemand(cluster).total, scenario).toBe(Number(cluster.status?.desiredGPU));
    }
  });

  it('asks what resuming a suspended cluster would need', () => {
    const { cluster } = loadFixture('raycluster-suspended');
    expect(cluster.spec.suspend).toBe(true);
    expect(clusterGpuDemand(cluster).total).toBe(1);
  });

  it('multiplies by clamped replicas and numOfHosts, and counts a GPU head', () => {
    const { cluster } = loadFixture('raycluster-ready');
    const group = cluster.spec.workerGroupSpecs?.[0];
    if (!group) throw new Error('fixture changed');
    const headContainer = cluster.spec.headGroupSpec.template.spec.containers[0];
    const bigger: RayClusterResource = {
      ...cluster,
      spec: {
        ...cluster.spec,
        headGroupSpec: {
          ...cluster.spec.headGroupSpec,
          template: {
            spec: {
              containers: [
                {
                  ...headContainer,
                  name: 'ray-head',
                  resources: { limits: { 'nvidia.com/gpu': '1' } },
                },
              ],
            },
          },
        },
        workerGroupSpecs: [{ ...group, replicas: 9, maxReplicas: 2, numOfHosts: 2 }],
      },
    };
    const demand = clusterGpuDemand(bigger);
    expect(demand.groups.map((entry) => [entry.group, entry.pods])).toEqual([
      ['headgroup', 1],
      ['rtx', 4],
    ]);
    expect(demand.byProduct.map((entry) => [entry.productName, entry.gpus])).toEqual([
      ['GPU', 1],
      ['NVIDIA GeForce RTX 4090', 4],
    ]);
    expect(demand.total).toBe(5);
  });
});

describe('productsName', () => {
  it('reads products as people say them', () => {
    expect(productsName([])).toBe('GPU');
    expect(productsName(['NVIDIA-A100-SXM4-80GB', 'NVIDIA-A100-SXM4-40GB'])).toBe('NVIDIA A100');
    expect(productsName(['NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100-80GB-HBM3'])).toBe(
      'NVIDIA A100 or NVIDIA H100',
    );
  });
});
