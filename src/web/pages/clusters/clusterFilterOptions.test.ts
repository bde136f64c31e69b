import { describe, expect, it } from 'vitest';

import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { clusterFilterOptions } from './clusterFilterOptions.ts';

function row(namespace: string, products: string[]): ClusterSummary {
  return {
    namespace,
    name: `${namespace}-c`,
    uid: `${namespace}-c`,
    origin: 'raydeck',
    phase: 'Ready',
    reason: '',
    workers: { ready: 0, desired: 0 },
    gpus: { count: products.length, products },
    createdAt: '2026-11-01T00:00:00Z',
    resourceVersion: '1',
  };
}

const rows = [
  row('team-c', ['NVIDIA-A100-SXM4-80GB']),
  row('team-a', ['NVIDIA-A100-SXM4-40GB', 'NVIDIA-GeForce-RTX-4090']),
];
const nothingChosen = { team: '', gpuType: '' };

describe('clusterFilterOptions', () => {
  it('offers a member their own teams only', () => {
    const options = clusterFilterOptions(
      { role: 'member', teams: ['team-b', 'team-a'] },
      rows,
      nothingChosen,
    );
    expect(options.teams.map((option) => option.value)).toEqual(['team-a', 'team-b']);
  });

  it('offers an admin every team seen in the rows as well', () => {
    const options = clusterFilterOptions({ role: 'admin', teams: ['team-a'] }, rows, nothingChosen);
    expect(options.teams.map((option) => option.value)).toEqual(['team-a', 'team-c']);
  });

  it('names GPU types as people do, keeping look-alikes apart', () => {
    const options = clusterFilterOptions({ role: 'admin', teams: [] }, rows, nothingChosen);
    expect(options.gpuTypes).toEqual([
      { value: 'NVIDIA-A100-SXM4-40GB', label: 'NVIDIA A100 (NVIDIA-A100-SXM4-40GB)' },
      { value: 'NVIDIA-A100-SXM4-80GB', label: 'NVIDIA A100 (NVIDIA-A100-SXM4-80GB)' },
      { value: 'NVIDIA-GeForce-RTX-4090', label: 'NVIDIA GeForce RTX 4090' },
    ]);
  });

  it('keeps the chosen values on offer after their last cluster went away', () => {
    const options = clusterFilterOptions({ role: 'member', teams: [] }, [], {
      team: 'team-z',
      gpuType: 'Tesla-T4',
    });
    expect(options.teams).toEqual([{ value: 'team-z', label: 'team-z' }]);
    expect(options.gpuTypes).toEqual([{ value: 'Tesla-T4', label: 'NVIDIA Tesla T4' }]);
  });
});
