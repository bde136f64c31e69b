import { describe, expect, it } from 'vitest';

import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import { applyClusterChange } from './useClusterList.ts';

function row(name: string, overrides: Partial<ClusterSummary> = {}): ClusterSummary {
  return {
    namespace: 'team-a',
    name,
    uid: `uid-${name}`,
    origin: 'raydeck',
    phase: 'Pending',
    reason: '',
    workers: { ready: 0, desired: 1 },
    gpus: { count: 0, products: [] },
    createdAt: '2026-11-01T00:00:00Z',
    resourceVersion: '1',
    ...overrides,
  };
}

describe('applyClusterChange', () => {
  const rows = [row('a'), row('b')];

  it('replaces a row in place on upsert and adds an unknown one first', () => {
    const ready = row('b', { phase: 'Ready' });
    expect(applyClusterChange(rows, { type: 'upsert', summary: ready })).toEqual([rows[0], ready]);
    const fresh = row('c');
    expect(applyClusterChange(rows, { type: 'upsert', summary: fresh })).toEqual([fresh, ...rows]);
    expect(rows.map((entry) => entry.phase)).toEqual(['Pending', 'Pending']);
  });

  it('tells teams apart: the same name in another team is another row', () => {
    const other = row('a', { namespace: 'team-b' });
    expect(applyClusterChange(rows, { type: 'upsert', summary: other })).toHaveLength(3);
  });

  it('removes a row on delete only when the uid matches', () => {
    expect(applyClusterChange(rows, { type: 'delete', summary: row('a') })).toEqual([rows[1]]);
    const recreated = applyClusterChange(rows, {
      type: 'delete',
      summary: row('a', { uid: 'uid-of-the-old-a' }),
    });
    expect(recreated).toBe(rows);
    expect(applyClusterChange(rows, { type: 'delete', summary: row('zz') })).toBe(rows);
  });
});
