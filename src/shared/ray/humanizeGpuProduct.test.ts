import { describe, expect, it } from 'vitest';

import { humanizeGpuProduct } from './humanizeGpuProduct.ts';

describe('humanizeGpuProduct', () => {
  it.each([
    ['NVIDIA-A100-SXM4-80GB', 'NVIDIA A100'],
    ['NVIDIA-A100-PCIE-40GB', 'NVIDIA A100'],
    ['NVIDIA-GeForce-RTX-4090', 'NVIDIA GeForce RTX 4090'],
    ['NVIDIA-H100-80GB-HBM3', 'NVIDIA H100'],
    ['NVIDIA-H100-PCIe', 'NVIDIA H100'],
    ['NVIDIA-H100-NVL', 'NVIDIA H100'],
    ['NVIDIA-L4', 'NVIDIA L4'],
    ['NVIDIA-A10G', 'NVIDIA A10G'],
    ['NVIDIA-L40S', 'NVIDIA L40S'],
    ['NVIDIA-RTX-A6000', 'NVIDIA RTX A6000'],
    ['Tesla-T4', 'NVIDIA Tesla T4'],
    ['Tesla-V100-SXM2-16GB', 'NVIDIA Tesla V100'],
    ['NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 'NVIDIA A100 MIG 1g.5gb'],
    ['AMD_Instinct_MI300X', 'AMD Instinct MI300X'],
    ['', 'GPU'],
  ])('%s reads "%s"', (label, expected) => {
    expect(humanizeGpuProduct(label)).toBe(expected);
  });
});
