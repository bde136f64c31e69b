import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../../test/fixtures/loadFixture.ts';
import type { ClusterDetail } from '../../../shared/api/clusterSchemas.ts';
import { normalizeEvent } from '../../../shared/ray/normalizeEvent.ts';
import type { RayClusterResource } from '../../../shared/ray/rayTypes.ts';
import { clusterTimeline, timelineLength } from './clusterTimeline.ts';

function cluster(
  conditions: NonNullable<RayClusterResource['status']>['conditions'] = [],
  deletionTimestamp?: string,
): RayClusterResource {
  return {
    metadata: {
      name: 'c',
      namespace: 'team-a',
      creationTimestamp: '2026-11-20T09:00:00Z',
      ...(deletionTimestamp ? { deletionTimestamp } : {}),
    },
    spec: {} as RayClusterResource['spec'],
    status: { conditions },
  };
}

type Event = ClusterDetail['events'][number];
const event = (overrides: Partial<Event> & Pick<Event, 'reason' | 'lastSeen'>): Event => ({
  type: 'Normal',
  message: '',
  object: 'RayCluster/c',
  count: 1,
  ...overrides,
});

describe('clusterTimeline', () => {
  it('tells creation, head ready, provisioned and suspension in time order', () => {
    const entries = clusterTimeline(
      cluster([
        { type: 'RayClusterSuspended', status: 'True', lastTransitionTime: '2026-11-20T10:00:00Z' },
        { type: 'HeadPodReady', status: 'True', lastTransitionTime: '2026-11-20T09:01:00Z' },
        {
          type: 'RayClusterProvisioned',
          status: 'True',
          lastTransitionTime: '2026-11-20T09:02:00Z',
        },
        {
          type: 'RayClusterSuspending',
          status: 'False',
          lastTransitionTime: '2026-11-20T10:00:00Z',
        },
      ]),
      [],
    );
    expect(entries.map((entry) => entry.title)).toEqual([
      'Created',
      'Head ready',
      'Provisioned',
      'Suspended',
    ]);
  });

  it('reports a head that is unhealthy, but not one that does not exist yet', () => {
    const crash = clusterTimeline(
      cluster([
        {
          type: 'HeadPodReady',
          status: 'False',
          reason: 'CrashLoopBackOff',
          lastTransitionTime: '2026-11-20T09:03:00Z',
        },
      ]),
      [],
    );
    expect(crash.at(-1)).toMatchObject({
      title: 'Head not ready',
      detail: 'CrashLoopBackOff',
      tone: 'warning',
    });
    const fresh = clusterTimeline(
      cluster([
        {
          type: 'HeadPodReady',
          status: 'False',
          reason: 'HeadPodNotFound',
          lastTransitionTime: '2026-11-20T09:00:00Z',
        },
      ]),
      [],
    );
    expect(fresh.map((entry) => entry.title)).toEqual(['Created']);
  });

  it('folds operator events by reason and keeps each warning with its latest message', () => {
    const entries = clusterTimeline(cluster(), [
      event({ reason: 'CreatedWorkerPod', object: 'Pod/w1', lastSeen: '2026-11-20T09:01:00Z' }),
      event({ reason: 'CreatedWorkerPod', object: 'Pod/w2', lastSeen: '2026-11-20T09:01:30Z' }),
      event({ reason: 'Pulled', object: 'Pod/w1', lastSeen: '2026-11-20T09:01:40Z' }),
      event({
        type: 'Warning',
        reason: 'FailedScheduling',
        message: 'old words',
        count: 3,
        lastSeen: '2026-11-20T09:02:00Z',
      }),
      event({
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/3 nodes are available',
        lastSeen: '2026-11-20T09:04:00Z',
      }),
    ]);
    expect(entries).toEqual([
      { at: '2026-11-20T09:00:00Z', title: 'Created', tone: 'done' },
      { at: '2026-11-20T09:01:30Z', title: 'Worker pods created (2)', tone: 'info' },
      {
        at: '2026-11-20T09:04:00Z',
        title: 'FailedScheduling (4×)',
        detail: '0/3 nodes are available',
        tone: 'warning',
      },
    ]);
  });

  it('shows a replica failure and a requested deletion', () => {
    const entries = clusterTimeline(
      cluster(
        [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreateWorkerPod',
            message: 'pods "w" is forbidden: exceeded quota',
            lastTransitionTime: '2026-11-20T09:01:00Z',
          },
        ],
        '2026-11-20T09:05:00Z',
      ),
      [],
    );
    expect(entries.slice(1)).toEqual([
      {
        at: '2026-11-20T09:01:00Z',
        title: 'Pod creation failed',
        detail: 'pods "w" is forbidden: exceeded quota',
        tone: 'failure',
      },
      { at: '2026-11-20T09:05:00Z', title: 'Deletion requested', tone: 'info' },
    ]);
  });

  it('keeps only the latest entries', () => {
    const events = Array.from({ length: 30 }, (_, index) =>
      event({
        type: 'Warning',
        reason: `Reason${String(index).padStart(2, '0')}`,
        lastSeen: `2026-11-20T10:${String(index).padStart(2, '0')}:00Z`,
      }),
    );
    const entries = clusterTimeline(cluster(), events);
    expect(entries).toHaveLength(timelineLength);
    expect(entries.at(-1)?.title).toBe('Reason29');
  });

  it('keeps a suspension in the timeline after the resume (resumed fixture)', () => {
    const { cluster: resumed, events } = loadFixture('raycluster-resumed');
    const operatorEvents = events.map(normalizeEvent).map((entry) => ({
      type: entry.type,
      reason: entry.reason,
      message: entry.message,
      object: `${entry.regarding.kind ?? ''}/${entry.regarding.name ?? ''}`,
      count: entry.count,
      ...(entry.lastTime ? { lastSeen: entry.lastTime } : {}),
    }));
    const entries = clusterTimeline(resumed, operatorEvents);
    const titles = entries.map((entry) => entry.title);
    expect(titles.indexOf('Pods deleted')).toBeLessThan(titles.indexOf('Suspended'));
    expect(titles.indexOf('Suspended')).toBeLessThan(titles.indexOf('Resumed'));
    expect(titles.indexOf('Resumed')).toBeLessThan(titles.lastIndexOf('Head ready'));
    expect(entries.find((entry) => entry.title === 'Pods deleted')?.detail).toBe(
      'Deleted Pods for RayCluster team-a/rtx-resumed due to suspension',
    );
  });

  it('does not call the first start a resume', () => {
    const { cluster: ready } = loadFixture('raycluster-ready');
    const titles = clusterTimeline(ready, []).map((entry) => entry.title);
    expect(titles).not.toContain('Resumed');
    expect(titles).not.toContain('Suspended');
  });
});
