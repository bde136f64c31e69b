import { describe, expect, it } from 'vitest';

import { fitErrorMessage, noNodesAvailableMessage } from './fitErrorMessage.ts';

describe('fitErrorMessage', () => {
  it('counts reasons per node and sorts "<count> <reason>" as strings, as FitError.Error() does', () => {
    expect(
      fitErrorMessage({
        nodeCount: 4,
        rejections: [
          { reasons: ['Insufficient nvidia.com/gpu'], unresolvable: true },
          { reasons: ['Insufficient nvidia.com/gpu'], unresolvable: false },
          { reasons: ['node(s) had untolerated taint(s)'], unresolvable: true },
          { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true },
        ],
      }),
    ).toBe(
      "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s), 2 Insufficient nvidia.com/gpu. " +
        'no new claims to deallocate, preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.',
    );
  });

  it('keeps every insufficient resource of a node and says when a pod may not preempt', () => {
    expect(
      fitErrorMessage({
        nodeCount: 1,
        rejections: [{ reasons: ['Insufficient cpu', 'Insufficient memory'], unresolvable: false }],
        preemptionPolicy: 'Never',
      }),
    ).toBe(
      '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('has its own message for a cluster without nodes', () => {
    expect(fitErrorMessage({ nodeCount: 0, rejections: [] })).toBe(noNodesAvailableMessage);
    expect(noNodesAvailableMessage).toBe('no nodes available to schedule pods');
  });
});
