import { describe, expect, it } from 'vitest';

import { formatGpus } from './formatGpus.ts';

describe('formatGpus', () => {
  it('says count and product as people do', () => {
    expect(formatGpus({ count: 2, products: ['NVIDIA-A100-SXM4-80GB'] })).toBe('2 × NVIDIA A100');
    expect(
      formatGpus({ count: 2, products: ['NVIDIA-A100-SXM4-80GB', 'NVIDIA-A100-SXM4-40GB'] }),
    ).toBe('2 × NVIDIA A100');
    expect(formatGpus({ count: 4, products: [] })).toBe('4 × GPU');
    expect(formatGpus({ count: 0, products: [] })).toBe('—');
  });
});
