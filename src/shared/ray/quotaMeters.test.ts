import { describe, expect, it } from 'vitest';

import type { ResourceQuotaResource } from '../k8s/kubeTypes.ts';
import { quotaMeters, teamQuotaHard, teamQuotaSettings } from './quotaMeters.ts';

const quota = (
  name: string,
  spec: Record<string, string>,
  status?: { hard: Record<string, string>; used: Record<string, string> },
): ResourceQuotaResource => ({
  metadata: { name, namespace: 'team-b' },
  spec: { hard: spec },
  ...(status ? { status } : {}),
});

describe('quotaMeters', () => {
  it('reads hard and used from the status, GPUs first, and skips other keys', () => {
    const meters = quotaMeters([
      quota(
        'raydeck-team-quota',
        { 'requests.memory': '64Gi', 'requests.nvidia.com/gpu': '1', pods: '10' },
        {
          hard: { 'requests.memory': '64Gi', 'requests.nvidia.com/gpu': '1', pods: '10' },
          used: { 'requests.memory': '512Mi', 'requests.nvidia.com/gpu': '1', pods: '3' },
        },
      ),
      quota('other', { 'limits.cpu': '500m' }),
    ]);
    expect(meters).toEqual([
      expect.objectContaining({ key: 'requests.nvidia.com/gpu', kind: 'gpu', hard: 1, used: 1 }),
      expect.objectContaining({ quota: 'other', kind: 'cpu', hard: 0.5, used: 0, usedText: '0' }),
      expect.objectContaining({ kind: 'memory', hard: 64 * 2 ** 30, used: 512 * 2 ** 20 }),
    ]);
  });

  it('falls back to spec.hard before the quota controller has filled the status', () => {
    expect(quotaMeters([quota('q', { 'requests.nvidia.com/mig-1g.10gb': '7' })])).toEqual([
      expect.objectContaining({ kind: 'gpu', hard: 7, used: 0 }),
    ]);
  });

  it('maps settings to spec.hard and back, leaving out what has no limit', () => {
    const hard = teamQuotaHard({ gpus: 2, memory: '1Ti' });
    expect(hard).toEqual({ 'requests.nvidia.com/gpu': '2', 'requests.memory': '1Ti' });
    expect(teamQuotaSettings(hard)).toEqual({ gpus: 2, memory: '1Ti' });
    expect(teamQuotaHard({})).toEqual({});
  });
});
