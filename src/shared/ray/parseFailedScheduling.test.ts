import { describe, expect, it } from 'vitest';

import { parseFailedScheduling, schedulingHeadline } from './parseFailedScheduling.ts';

// Real kube-scheduler messages, from FitError.Error() of the versions named.
describe('parseFailedScheduling', () => {
  it('reads node counts per reason and the preemption part (k8s ≥ 1.27)', () => {
    const message =
      "0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.";
    expect(parseFailedScheduling(message)).toEqual({
      totalNodes: 4,
      reasons: [
        {
          count: 1,
          text: 'Insufficient nvidia.com/gpu',
          kind: 'insufficient',
          resource: 'nvidia.com/gpu',
        },
        { count: 3, text: "node(s) didn't match Pod's node affinity/selector", kind: 'selector' },
      ],
      preFilter: undefined,
      postFilter:
        'preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.',
      raw: message,
    });
  });

  it('reads an untolerated taint with its key and value', () => {
    const parsed = parseFailedScheduling(
      '0/4 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 3 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    );
    expect(parsed?.reasons).toEqual([
      {
        count: 1,
        text: 'node(s) had untolerated taint {nvidia.com/gpu: present}',
        kind: 'taint',
        taint: { key: 'nvidia.com/gpu', value: 'present' },
      },
      {
        count: 3,
        text: 'Insufficient nvidia.com/gpu',
        kind: 'insufficient',
        resource: 'nvidia.com/gpu',
      },
    ]);
  });

  it('accepts the order of the brief (reasons are not assumed sorted)', () => {
    const parsed = parseFailedScheduling(
      '0/4 nodes are available: 2 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    expect(parsed?.reasons.map((reason) => [reason.count, reason.kind])).toEqual([
      [2, 'insufficient'],
      [1, 'taint'],
    ]);
  });

  it('reads a taint without value and the doubled final period of some versions', () => {
    const parsed = parseFailedScheduling(
      '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..',
    );
    expect(parsed?.reasons[0]?.taint).toEqual({
      key: 'node-role.kubernetes.io/control-plane',
      value: '',
    });
    expect(parsed?.postFilter).toBe(
      'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..',
    );
  });

  it('reads k8s 1.34 `taint(s)` and the DRA post-filter prefix', () => {
    const parsed = parseFailedScheduling(
      '0/17 nodes are available: 17 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/17 nodes are available: 17 Preemption is not helpful for scheduling.',
    );
    expect(parsed?.totalNodes).toBe(17);
    expect(parsed?.reasons).toEqual([
      { count: 17, text: 'node(s) had untolerated taint(s)', kind: 'taint' },
    ]);
    expect(parsed?.postFilter).toMatch(/^no new claims to deallocate, preemption: /);
  });

  it('reads the pre-1.25 wording, whose taint reason contains a comma', () => {
    const parsed = parseFailedScheduling(
      "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 Insufficient cpu.",
    );
    expect(parsed?.reasons).toEqual([
      {
        count: 1,
        text: "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate",
        kind: 'taint',
        taint: { key: 'node-role.kubernetes.io/master', value: '' },
      },
      { count: 2, text: 'Insufficient cpu', kind: 'insufficient', resource: 'cpu' },
    ]);
    expect(parsed?.postFilter).toBeUndefined();
  });

  it('keeps a PreFilter message apart from the histogram', () => {
    const parsed = parseFailedScheduling(
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    expect(parsed?.preFilter).toBe('pod has unbound immediate PersistentVolumeClaims');
    expect(parsed?.reasons).toEqual([]);
  });

  it('classifies the other in-tree plugin reasons', () => {
    const parsed = parseFailedScheduling(
      "0/7 nodes are available: 1 Too many pods, 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match pod topology spread constraints, 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules.",
    );
    expect(parsed?.reasons.map((reason) => reason.kind)).toEqual([
      'tooManyPods',
      'ports',
      'topologySpread',
      'volume',
      'unschedulable',
      'podAffinity',
    ]);
    expect(parsed?.reasons.reduce((sum, reason) => sum + reason.count, 0)).toBe(7);
  });

  it('strips the event aggregator prefix', () => {
    const parsed = parseFailedScheduling(
      '(combined from similar events): 0/2 nodes are available: 2 Insufficient memory.',
    );
    expect(parsed?.raw).toBe('0/2 nodes are available: 2 Insufficient memory.');
    expect(parsed?.reasons[0]).toMatchObject({ count: 2, resource: 'memory' });
  });

  it('reads a cluster without nodes', () => {
    expect(parseFailedScheduling('no nodes available to schedule pods')).toMatchObject({
      totalNodes: 0,
      reasons: [],
    });
  });

  it('returns undefined for other messages', () => {
    expect(parseFailedScheduling('Successfully assigned team-a/x to cpu-1')).toBeUndefined();
  });
});

describe('schedulingHeadline', () => {
  it('drops the preemption part and the final period', () => {
    expect(
      schedulingHeadline(
        '0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.',
      ),
    ).toBe('0/4 nodes are available: 4 Insufficient cpu');
    expect(schedulingHeadline('0/2 nodes are available: 2 Insufficient memory.')).toBe(
      '0/2 nodes are available: 2 Insufficient memory',
    );
    expect(schedulingHeadline('  something else ')).toBe('something else');
  });
});
