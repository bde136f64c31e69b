import { describe, expect, it } from 'vitest';

import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { filterClusters, formatGpus, sortClusters } from './filterClusters.ts';

function row(overrides: Partial<ClusterSummary> & Pick<ClusterSummary, 'name'>): ClusterSummary {
  return {
    namespace: 'team-a',
    uid: overrides.name,
    origin: 'raydeck',
    phase: 'Ready',
    reason: '',
    workers: { ready: 0, desired: 0 },
    gpus: { count: 0, products: [] },
    createdAt: '2026-11-01T00:00:00Z',
    resourceVersion: '1',
    ...overrides,
  };
}

const rows = [
  row({ name: 'train-10', owner: 'Alice', template: 'a100-1', createdAt: '2026-11-03T00:00:00Z' }),
  row({
    name: 'train-9',
    namespace: 'team-b',
    phase: 'Pending',
    createdAt: '2026-11-02T00:00:00Z',
  }),
  row({
    name: 'serve',
    gpus: { count: 2, products: ['NVIDIA-A100-SXM4-80GB'] },
    workers: { ready: 1, desired: 2 },
  }),
];
const names = (list: ClusterSummary[]) => list.map((entry) => entry.name);
const none = { team: '', phase: '', gpuType: '', text: '' };

describe('filterClusters', () => {
  it('keeps everything without filters', () => {
    expect(names(filterClusters(rows, none))).toEqual(['train-10', 'train-9', 'serve']);
  });

  it('combines team, phase and GPU type', () => {
    expect(names(filterClusters(rows, { ...none, team: 'team-a' }))).toEqual(['train-10', 'serve']);
    expect(names(filterClusters(rows, { ...none, phase: 'Pending' }))).toEqual(['train-9']);
    expect(
      names(filterClusters(rows, { ...none, team: 'team-a', gpuType: 'NVIDIA-A100-SXM4-80GB' })),
    ).toEqual(['serve']);
  });

  it('searches name, team, owner and template, ignoring case and spaces around', () => {
    expect(names(filterClusters(rows, { ...none, text: ' alice ' }))).toEqual(['train-10']);
    expect(names(filterClusters(rows, { ...none, text: 'TEAM-B' }))).toEqual(['train-9']);
    expect(names(filterClusters(rows, { ...none, text: 'a100' }))).toEqual(['train-10']);
  });
});

describe('sortClusters', () => {
  it('sorts newest first by age ascending, oldest first descending', () => {
    expect(names(sortClusters(rows, { column: 'age', direction: 'ascending' }))).toEqual([
      'train-10',
      'train-9',
      'serve',
    ]);
    expect(names(sortClusters(rows, { column: 'age', direction: 'descending' }))).toEqual([
      'serve',
      'train-9',
      'train-10',
    ]);
  });

  it('sorts names naturally and phases in lifecycle order', () => {
    expect(names(sortClusters(rows, { column: 'name', direction: 'ascending' }))).toEqual([
      'serve',
      'train-9',
      'train-10',
    ]);
    expect(names(sortClusters(rows, { column: 'phase', direction: 'ascending' }))[0]).toBe(
      'train-9',
    );
  });

  it('sorts by GPUs and workers, leaving the input untouched', () => {
    const copy = [...rows];
    expect(names(sortClusters(rows, { column: 'gpus', direction: 'descending' }))[0]).toBe('serve');
    expect(names(sortClusters(rows, { column: 'workers', direction: 'descending' }))[0]).toBe(
      'serve',
    );
    expect(rows).toEqual(copy);
  });
});

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
