import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { PodSpec } from '../k8s/kubeTypes.ts';
import { gpuRequestOfPodSpec, isGpuResourceName } from './gpuRequestOfPodSpec.ts';

const gpuLimit = (count: string) => ({ limits: { 'nvidia.com/gpu': count } });

describe('isGpuResourceName', () => {
  it.each([
    ['nvidia.com/gpu', true],
    ['amd.com/gpu', true],
    ['nvidia.com/mig-1g.10gb', true],
    ['nvidia.com/mig-3g.40gb', true],
    ['cpu', false],
    ['memory', false],
    ['google.com/tpu', false],
    ['nvidia.com/gpu.shared', false],
  ])('%s → %s', (name, expected) => {
    expect(isGpuResourceName(name)).toBe(expected);
  });
});

describe('gpuRequestOfPodSpec', () => {
  it('reads a KubeRay worker pod of the fixtures, pinned to a product by nodeSelector', () => {
    const worker = loadFixture('raycluster-pending-gpu').pods.find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker',
    );
    expect(gpuRequestOfPodSpec(worker?.spec ?? { containers: [] })).toEqual({
      resources: { 'nvidia.com/gpu': 1 },
      total: 1,
      products: ['NVIDIA-A100-SXM4-80GB'],
    });
  });

  it('counts nothing for CPU-only pods (the head, and the init container)', () => {
    const head = loadFixture('raycluster-ready').pods[0];
    expect(gpuRequestOfPodSpec(head?.spec ?? { containers: [] })).toEqual({
      resources: {},
      total: 0,
      products: [],
    });
  });

  it('defaults requests to limits and sums containers', () => {
    const spec: PodSpec = {
      containers: [
        { name: 'a', resources: gpuLimit('2') },
        {
          name: 'b',
          resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } },
        },
        { name: 'c', resources: { limits: { 'amd.com/gpu': '1', cpu: '2' } } },
      ],
    };
    expect(gpuRequestOfPodSpec(spec)).toMatchObject({
      resources: { 'nvidia.com/gpu': 3, 'amd.com/gpu': 1 },
      total: 4,
    });
  });

  it('takes the larger of app containers and the largest init container, adds sidecars and overhead', () => {
    expect(
      gpuRequestOfPodSpec({
        initContainers: [{ name: 'warmup', resources: gpuLimit('4') }],
        containers: [{ name: 'app', resources: gpuLimit('1') }],
      }).total,
    ).toBe(4);
    expect(
      gpuRequestOfPodSpec({
        initContainers: [
          { name: 'sidecar', restartPolicy: 'Always', resources: gpuLimit('1') },
          { name: 'warmup', resources: gpuLimit('2') },
        ],
        containers: [{ name: 'app', resources: gpuLimit('1') }],
      }).total,
    ).toBe(3); // max(app 1 + sidecar 1, warmup 2 + sidecar 1)
    expect(
      gpuRequestOfPodSpec({
        containers: [{ name: 'app', resources: gpuLimit('1') }],
        overhead: { 'nvidia.com/gpu': '1' },
      }).total,
    ).toBe(2);
  });

  it('reads acceptable products from required node affinity', () => {
    const affinity = (values: string[], extraTerm = false): PodSpec => ({
      containers: [{ name: 'app', resources: gpuLimit('1') }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values }] },
              ...(extraTerm
                ? [
                    {
                      matchExpressions: [
                        { key: 'kubernetes.io/os', operator: 'In' as const, values: ['linux'] },
                      ],
                    },
                  ]
                : []),
            ],
          },
        },
      },
    });
    expect(
      gpuRequestOfPodSpec(affinity(['NVIDIA-H100-80GB-HBM3', 'NVIDIA-A100-SXM4-80GB'])).products,
    ).toEqual(['NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100-80GB-HBM3']);
    // A second term without a product constraint lets any GPU through (terms are ORed).
    expect(gpuRequestOfPodSpec(affinity(['NVIDIA-L4'], true)).products).toEqual([]);
  });
});
