import { describe, expect, it } from 'vitest';

import {
  countIntolerablePreferNoSchedule,
  findUntoleratedTaint,
  matchesNodeSelectorAndAffinity,
  preferredAffinityScore,
  toleratesTaint,
} from './nodePredicates.ts';

const gpuTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

describe('taints and tolerations', () => {
  it('matches by key, value (Equal, the default) or key only (Exists), and effect', () => {
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists' }, gpuTaint)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', value: 'present' }, gpuTaint)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', value: 'other' }, gpuTaint)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, gpuTaint)).toBe(true);
    expect(
      toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, gpuTaint),
    ).toBe(false);
  });

  it('blocks on NoSchedule and NoExecute only, in node order', () => {
    const taints = [
      { key: 'soft', effect: 'PreferNoSchedule' },
      { key: 'evict', effect: 'NoExecute' },
      gpuTaint,
    ];
    expect(findUntoleratedTaint(taints, [])?.key).toBe('evict');
    expect(findUntoleratedTaint(taints, [{ key: 'evict', operator: 'Exists' }])?.key).toBe(
      'nvidia.com/gpu',
    );
    expect(findUntoleratedTaint(taints, [{ operator: 'Exists' }])).toBeUndefined();
    expect(countIntolerablePreferNoSchedule(taints, [])).toBe(1);
    expect(
      countIntolerablePreferNoSchedule(taints, [
        { key: 'soft', operator: 'Exists', effect: 'NoSchedule' },
      ]),
    ).toBe(1);
    expect(countIntolerablePreferNoSchedule(taints, [{ key: 'soft', operator: 'Exists' }])).toBe(0);
  });
});

describe('node selector and affinity', () => {
  const labels = { 'nvidia.com/gpu.count': '4', zone: 'a', 'kubernetes.io/hostname': 'n1' };
  const required = (matchExpressions: unknown[]) => ({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions }],
        },
      },
    },
  });

  it.each([
    [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, true],
    [{ key: 'zone', operator: 'NotIn', values: ['a'] }, false],
    [{ key: 'missing', operator: 'NotIn', values: ['a'] }, true],
    [{ key: 'zone', operator: 'Exists' }, true],
    [{ key: 'zone', operator: 'DoesNotExist' }, false],
    [{ key: 'nvidia.com/gpu.count', operator: 'Gt', values: ['2'] }, true],
    [{ key: 'nvidia.com/gpu.count', operator: 'Lt', values: ['4'] }, false],
    [{ key: 'zone', operator: 'Gt', values: ['1'] }, false],
  ])('%j → %s', (expression, expected) => {
    expect(matchesNodeSelectorAndAffinity(required([expression]) as never, labels, 'n1')).toBe(
      expected,
    );
  });

  it('ANDs nodeSelector with affinity, ORs terms, and an empty term matches nothing', () => {
    expect(matchesNodeSelectorAndAffinity({ nodeSelector: { zone: 'a' } }, labels, 'n1')).toBe(
      true,
    );
    expect(matchesNodeSelectorAndAffinity({ nodeSelector: { zone: 'b' } }, labels, 'n1')).toBe(
      false,
    );
    const terms = (nodeSelectorTerms: unknown[]) => ({
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } },
      },
    });
    expect(matchesNodeSelectorAndAffinity(terms([{}]) as never, labels, 'n1')).toBe(false);
    expect(
      matchesNodeSelectorAndAffinity(
        terms([
          { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
        ]) as never,
        labels,
        'n1',
      ),
    ).toBe(true);
    expect(
      preferredAffinityScore(
        {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 5,
                  preference: {
                    matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
                  },
                },
                {
                  weight: 7,
                  preference: {
                    matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }],
                  },
                },
              ],
            },
          },
        },
        labels,
        'n1',
      ),
    ).toBe(5);
  });
});
