import { describe, expect, it } from 'vitest';

import {
  acceleratorTypeOf,
  gpuDeviceName,
  gpuMemoryMiB,
  nodeResourceTotals,
  nodeTypeName,
  type RayNodeDescription,
  seededRandom,
  stableHex,
} from './rayNodes.ts';

const gpuNode: RayNodeDescription = {
  name: 'gpu-0',
  ip: '10.0.0.2',
  isHead: false,
  cpus: 8,
  memoryBytes: 10_000,
  gpus: 2,
  gpuProduct: 'NVIDIA-A100-SXM4-80GB',
  alive: true,
};

describe('GPU names', () => {
  it.each([
    ['NVIDIA-A100-SXM4-80GB', 'NVIDIA A100-SXM4-80GB'],
    ['Tesla-V100-SXM2-16GB', 'Tesla V100-SXM2-16GB'],
    ['NVIDIA-GeForce-RTX-4090', 'NVIDIA GeForce RTX 4090'],
    ['NVIDIA-H100-80GB-HBM3', 'NVIDIA H100 80GB HBM3'],
    ['Tesla-T4', 'Tesla T4'],
  ])('turns the GFD label %s back into the device name %s', (label, name) => {
    expect(gpuDeviceName(label)).toBe(name);
  });

  it('derives the accelerator type as Ray 2.52 does, unless one is given', () => {
    expect(acceleratorTypeOf(gpuNode)).toBe('A100');
    expect(acceleratorTypeOf({ ...gpuNode, gpuProduct: 'Tesla-T4' })).toBe('T4');
    expect(acceleratorTypeOf({ ...gpuNode, gpuProduct: 'NVIDIA-GeForce-RTX-4090' })).toBe('G');
    expect(acceleratorTypeOf({ ...gpuNode, acceleratorType: 'RTX4090' })).toBe('RTX4090');
    expect(acceleratorTypeOf({ ...gpuNode, gpus: 0 })).toBeUndefined();
  });

  it('knows GPU memory from the name or a table', () => {
    expect(gpuMemoryMiB('NVIDIA-A100-SXM4-40GB')).toBe(40 * 1024);
    expect(gpuMemoryMiB('NVIDIA-GeForce-RTX-4090')).toBe(24_576);
    expect(gpuMemoryMiB('NVIDIA-L4')).toBe(24_576);
    expect(gpuMemoryMiB(undefined)).toBe(16_384);
  });
});

describe('node resources', () => {
  it('offers CPU, GPU, memory, object store, its IP, the accelerator and custom resources', () => {
    expect(nodeResourceTotals({ ...gpuNode, customResources: { TPU: 4, none: 0 } })).toEqual({
      CPU: 8,
      GPU: 2,
      memory: 10_000,
      object_store_memory: 3000,
      'node:10.0.0.2': 1,
      'accelerator_type:A100': 1,
      TPU: 4,
    });
  });

  it('marks the head and leaves zero amounts out', () => {
    const totals = nodeResourceTotals({ ...gpuNode, isHead: true, cpus: 0, gpus: 0 });
    expect(totals).toEqual({
      memory: 10_000,
      object_store_memory: 3000,
      'node:10.0.0.2': 1,
      'node:__internal_head__': 1,
    });
  });

  it('names node types after the group, with KubeRay-like defaults', () => {
    expect(nodeTypeName(gpuNode)).toBe('workergroup');
    expect(nodeTypeName({ ...gpuNode, isHead: true })).toBe('headgroup');
    expect(nodeTypeName({ ...gpuNode, groupName: 'gpu' })).toBe('gpu');
  });
});

describe('determinism', () => {
  it('derives the same hex for the same seed, of the asked length', () => {
    expect(stableHex('a', 28)).toMatch(/^[0-9a-f]{56}$/);
    expect(stableHex('a', 28)).toBe(stableHex('a', 28));
    expect(stableHex('a', 28)).not.toBe(stableHex('b', 28));
  });

  it('repeats a seeded sequence in [0, 1)', () => {
    const first = seededRandom('raysubmit_x');
    const second = seededRandom('raysubmit_x');
    const values = Array.from({ length: 100 }, () => first());
    expect(values).toEqual(Array.from({ length: 100 }, () => second()));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
