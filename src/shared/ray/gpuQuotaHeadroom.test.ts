import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import { gpuQuotaHeadroom } from './gpuQuotaHeadroom.ts';

describe('gpuQuotaHeadroom', () => {
  it("reads team-b's used-up GPU quota", () => {
    expect(gpuQuotaHeadroom(loadFixture('raycluster-pending-gpu').quotas)).toEqual({
      free: { 'nvidia.com/gpu': 0 },
      limits: [{ quota: 'team-b-quota', key: 'requests.nvidia.com/gpu', hard: 2, used: 2 }],
    });
  });

  it('has no entry for a namespace without GPU quota', () => {
    expect(gpuQuotaHeadroom(loadFixture('raycluster-ready').quotas)).toEqual({
      free: {},
      limits: [],
    });
    expect(
      gpuQuotaHeadroom([{ metadata: { name: 'cpu' }, spec: { hard: { 'requests.cpu': '8' } } }])
        .free,
    ).toEqual({});
  });

  it('falls back to spec.hard before the quota controller fills the status, and keeps the tightest', () => {
    expect(
      gpuQuotaHeadroom([
        { metadata: { name: 'new' }, spec: { hard: { 'requests.nvidia.com/gpu': '4' } } },
        {
          metadata: { name: 'old' },
          spec: { hard: { 'requests.nvidia.com/gpu': '8' } },
          status: {
            hard: { 'requests.nvidia.com/gpu': '8' },
            used: { 'requests.nvidia.com/gpu': '5' },
          },
        },
      ]).free,
    ).toEqual({ 'nvidia.com/gpu': 3 });
  });
});
