import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { NodeResource, PodResource } from '../k8s/kubeTypes.ts';
import { gpuInventory } from './gpuInventory.ts';

const gpuWorld = loadFixture('raycluster-pending-gpu');

describe('gpuInventory', () => {
  const inventory = gpuInventory({ nodes: gpuWorld.nodes, pods: gpuWorld.allPods ?? [] });

  it('lists each GPU node with capacity, requests, free GPUs and holders', () => {
    expect(inventory.nodes).toEqual([
      {
        node: 'gpu-a100-1',
        resource: 'nvidia.com/gpu',
        product: 'NVIDIA-A100-SXM4-80GB',
        productName: 'NVIDIA A100',
        capacity: 4,
        allocatable: 4,
        requested: 4,
        free: 0,
        holders: [
          {
            namespace: 'team-a',
            cluster: 'train-big',
            pod: expect.stringMatching(/^train-big-a100x4-worker-/),
            gpus: 4,
          },
        ],
        schedulable: true,
        taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      },
      {
        node: 'gpu-rtx4090-1',
        resource: 'nvidia.com/gpu',
        product: 'NVIDIA-GeForce-RTX-4090',
        productName: 'NVIDIA GeForce RTX 4090',
        capacity: 2,
        allocatable: 2,
        requested: 0,
        free: 2,
        holders: [],
        schedulable: true,
        taints: [],
      },
    ]);
  });

  it('ignores finished pods and pods not bound to a node', () => {
    const finished = gpuWorld.allPods?.find((pod) => pod.status?.phase === 'Succeeded');
    expect(finished?.spec.nodeName).toBe('gpu-a100-1');
    const unbound = gpuWorld.pods.filter((pod) => !pod.spec.nodeName);
    expect(unbound).toHaveLength(2);
    expect(
      inventory.nodes.flatMap((node) => node.holders).map((holder) => holder.pod),
    ).not.toContain(finished?.metadata.name);
  });

  it('totals per product and overall', () => {
    expect(inventory.products).toEqual([
      {
        resource: 'nvidia.com/gpu',
        product: 'NVIDIA-A100-SXM4-80GB',
        productName: 'NVIDIA A100',
        nodes: 1,
        capacity: 4,
        allocatable: 4,
        requested: 4,
        free: 0,
      },
      {
        resource: 'nvidia.com/gpu',
        product: 'NVIDIA-GeForce-RTX-4090',
        productName: 'NVIDIA GeForce RTX 4090',
        nodes: 1,
        capacity: 2,
        allocatable: 2,
        requested: 0,
        free: 2,
      },
    ]);
    expect(inventory.total).toEqual({ capacity: 6, allocatable: 6, requested: 4, free: 2 });
  });

  it('counts terminating pods (they hold their GPUs until gone)', () => {
    const holder = gpuWorld.allPods?.find(
      (pod) => pod.spec.nodeName === 'gpu-a100-1' && pod.status?.phase === 'Running',
    );
    if (!holder) throw new Error('fixture changed');
    const terminating: PodResource = {
      ...holder,
      metadata: { ...holder.metadata, deletionTimestamp: '2026-11-27T10:00:00Z' },
    };
    const result = gpuInventory({ nodes: gpuWorld.nodes, pods: [terminating] });
    expect(result.nodes.find((node) => node.node === 'gpu-a100-1')?.free).toBe(0);
  });

  it('marks cordoned and not-ready nodes unschedulable', () => {
    const nodes = gpuWorld.nodes.map((node): NodeResource =>
      node.metadata.name === 'gpu-rtx4090-1'
        ? { ...node, spec: { ...node.spec, unschedulable: true } }
        : node,
    );
    expect(
      gpuInventory({ nodes, pods: [] }).nodes.find((node) => node.node === 'gpu-rtx4090-1')
        ?.schedulable,
    ).toBe(false);
  });

  it('reads MIG slices and AMD GPUs with their own product names', () => {
    const nodes: NodeResource[] = [
      {
        metadata: {
          name: 'mig-1',
          labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb' },
        },
        status: {
          capacity: { 'nvidia.com/mig-1g.10gb': '7' },
          allocatable: { 'nvidia.com/mig-1g.10gb': '7' },
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
      {
        metadata: {
          name: 'mi300-1',
          labels: { 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X' },
        },
        status: {
          capacity: { 'amd.com/gpu': '8' },
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
    ];
    const pods: PodResource[] = [
      {
        metadata: { name: 'slice', namespace: 'team-c' },
        spec: {
          nodeName: 'mig-1',
          containers: [{ name: 'x', resources: { limits: { 'nvidia.com/mig-1g.10gb': '2' } } }],
        },
        status: { phase: 'Running' },
      },
    ];
    const result = gpuInventory({ nodes, pods });
    expect(
      result.nodes.map((node) => [node.node, node.resource, node.productName, node.free]),
    ).toEqual([
      ['mi300-1', 'amd.com/gpu', 'AMD Instinct MI300X', 8],
      ['mig-1', 'nvidia.com/mig-1g.10gb', 'NVIDIA A100 MIG 1g.10gb', 5],
    ]);
    expect(result.nodes[1]?.holders).toEqual([
      { namespace: 'team-c', cluster: undefined, pod: 'slice', gpus: 2 },
    ]);
  });
});
