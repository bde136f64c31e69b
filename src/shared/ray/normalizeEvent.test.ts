import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { KubeEventResource } from '../k8s/kubeTypes.ts';
import { eventRegards, normalizeEvent } from './normalizeEvent.ts';

function eventOf(events: readonly KubeEventResource[], reason: string): KubeEventResource {
  const found = events.find((event) => event.reason === reason);
  if (!found) throw new Error(`no ${reason} event`);
  return found;
}

describe('normalizeEvent', () => {
  it('reads an events.k8s.io/v1 event with a series (the scheduler)', () => {
    const event = eventOf(loadFixture('raycluster-pending-gpu').events, 'FailedScheduling');
    expect(event.apiVersion).toBe('events.k8s.io/v1');
    const normalized = normalizeEvent(event);
    expect(normalized).toMatchObject({
      namespace: 'team-b',
      type: 'Warning',
      reason: 'FailedScheduling',
      message: expect.stringMatching(/^0\/4 nodes are available: /),
      regarding: { kind: 'Pod', namespace: 'team-b' },
      count: 6,
      reportingController: 'default-scheduler',
      action: 'Scheduling',
    });
    expect(normalized.firstTime).toMatch(/^2026-11-27T09:50:13\.\d{6}Z$/);
    expect(normalized.lastTime).toMatch(/^2026-11-27T10:00:17\.\d{6}Z$/);
  });

  it('reads an events.k8s.io/v1 event without series as one occurrence', () => {
    const event = eventOf(loadFixture('raycluster-ready').events, 'CreatedHeadPod');
    const normalized = normalizeEvent(event);
    expect(normalized.count).toBe(1);
    expect(normalized.lastTime).toBe(normalized.firstTime);
    expect(normalized.regarding.kind).toBe('RayCluster');
    expect(normalized.reportingController).toBe('raycluster-controller');
  });

  it('reads a kubelet core/v1 event (count, first/last timestamps, source)', () => {
    const event = eventOf(loadFixture('raycluster-crash-loop').events, 'BackOff');
    expect(event.apiVersion).toBe('v1');
    expect(normalizeEvent(event)).toMatchObject({
      type: 'Warning',
      message: expect.stringMatching(/^Back-off restarting failed container ray-head in pod /),
      regarding: { kind: 'Pod', fieldPath: 'spec.containers{ray-head}' },
      count: 23,
      firstTime: '2026-11-27T09:55:16Z',
      lastTime: '2026-11-27T10:00:00Z',
      reportingController: 'kubelet',
    });
  });

  it('reads an operator event as the core/v1 API converts it (series, eventTime, no timestamps)', () => {
    const event = eventOf(
      loadFixture('raycluster-quota-rejected').events,
      'FailedToCreateWorkerPod',
    );
    expect(event).toMatchObject({ apiVersion: 'v1', firstTimestamp: null, lastTimestamp: null });
    const normalized = normalizeEvent(event);
    expect(normalized).toMatchObject({
      count: 38,
      reportingController: 'raycluster-controller',
      regarding: { kind: 'RayCluster', name: 'vision-dev' },
    });
    expect(normalized.firstTime).toMatch(/^2026-11-27T09:20:32\./);
    expect(normalized.lastTime).toMatch(/^2026-11-27T09:51:11\./);
  });

  it('detects the shape without apiVersion and fills defaults', () => {
    expect(
      normalizeEvent({
        metadata: { name: 'e1', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
        regarding: { kind: 'Pod', name: 'p' },
        note: 'hello',
      }),
    ).toMatchObject({
      type: 'Normal',
      reason: '',
      message: 'hello',
      count: 1,
      firstTime: '2026-01-01T00:00:00Z',
      lastTime: '2026-01-01T00:00:00Z',
    });
    expect(
      normalizeEvent({ metadata: { name: 'e2' }, involvedObject: { kind: 'Pod', name: 'p' } }),
    ).toMatchObject({ namespace: '', message: '', count: 1, firstTime: undefined });
  });
});

describe('eventRegards', () => {
  const event = normalizeEvent({
    metadata: { name: 'e' },
    involvedObject: { kind: 'RayCluster', name: 'c', namespace: 'ns', uid: 'u1' },
  });

  it('matches kind, name, namespace and uid', () => {
    expect(eventRegards(event, { kind: 'RayCluster', name: 'c', namespace: 'ns', uid: 'u1' })).toBe(
      true,
    );
    expect(eventRegards(event, { kind: 'RayCluster', name: 'c' })).toBe(true);
  });

  it('rejects another object, namespace, or a re-created object of the same name', () => {
    expect(eventRegards(event, { kind: 'Pod', name: 'c' })).toBe(false);
    expect(eventRegards(event, { kind: 'RayCluster', name: 'd' })).toBe(false);
    expect(eventRegards(event, { kind: 'RayCluster', name: 'c', namespace: 'other' })).toBe(false);
    expect(eventRegards(event, { kind: 'RayCluster', name: 'c', uid: 'u2' })).toBe(false);
  });
});
