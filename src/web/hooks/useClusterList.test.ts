import { describe, expect, it } from 'vitest';

import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import { applyClusterChange, isOlderResourceVersion } from './useClusterList.ts';

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
    resourceVersion: '10',
    ...overrides,
  };
}

function pages(...items: ClusterSummary[][]) {
  return {
    pages: items.map((page) => ({ items: page, total: items.flat().length })),
    pageParams: items.map((_, index) => (index === 0 ? undefined : `c${index}`)),
  };
}

describe('isOlderResourceVersion', () => {
  it('compares integer versions as numbers, beyond 2^53 too', () => {
    expect(isOlderResourceVersion('9', '10')).toBe(true);
    expect(isOlderResourceVersion('10', '9')).toBe(false);
    expect(isOlderResourceVersion('10', '10')).toBe(false);
    expect(isOlderResourceVersion('90071992547409930', '90071992547409931')).toBe(true);
  });

  it('never calls an opaque version older', () => {
    expect(isOlderResourceVersion('abc', '10')).toBe(false);
    expect(isOlderResourceVersion('9', '')).toBe(false);
    expect(isOlderResourceVersion('9', 'v10')).toBe(false);
  });
});

describe('applyClusterChange', () => {
  const data = pages([row('a'), row('b')], [row('c')]);

  it('replaces a loaded row in place, in whichever page it is', () => {
    const ready = row('c', { phase: 'Ready', resourceVersion: '11' });
    const next = applyClusterChange(data, { type: 'upsert', summary: ready });
    expect(next.pages[1]?.items).toEqual([ready]);
    expect(next.pages[0]).toBe(data.pages[0]);
  });

  it('drops a stale update (older resourceVersion), keeps an equal one (pods changed)', () => {
    const stale = row('a', { phase: 'Ready', resourceVersion: '9' });
    expect(applyClusterChange(data, { type: 'upsert', summary: stale })).toBe(data);
    const podsChanged = row('a', { phase: 'Provisioning' });
    expect(
      applyClusterChange(data, { type: 'upsert', summary: podsChanged }).pages[0]?.items[0],
    ).toEqual(podsChanged);
  });

  it('leaves rows it has not loaded to the server', () => {
    expect(applyClusterChange(data, { type: 'upsert', summary: row('zz') })).toBe(data);
  });

  it('removes a row on delete only when the uid matches', () => {
    const next = applyClusterChange(data, { type: 'delete', summary: row('a') });
    expect(next.pages[0]?.items.map((entry) => entry.name)).toEqual(['b']);
    expect(next.pages[0]?.total).toBe(2);
    const recreated = applyClusterChange(data, {
      type: 'delete',
      summary: row('a', { uid: 'uid-old' }),
    });
    expect(recreated).toBe(data);
  });

  it('takes a recreated cluster (new uid) even with a lower resourceVersion', () => {
    const recreated = row('b', { uid: 'uid-new', resourceVersion: '2' });
    expect(
      applyClusterChange(data, { type: 'upsert', summary: recreated }).pages[0]?.items[1],
    ).toEqual(recreated);
  });
});
