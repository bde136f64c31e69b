import { afterEach, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { ManualClock } from '../world/simClock.ts';
import { EventRecorder } from './EventRecorder.ts';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', uid: 'uid-1', resourceVersion: '7' },
};

interface CoreEvent {
  metadata: { name: string };
  reason: string;
  message: string;
  count?: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  eventTime: string | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  series?: { count: number };
}

async function coreEvents(server: TestSandbox): Promise<CoreEvent[]> {
  const list = await server.request('GET', '/api/v1/namespaces/default/events');
  return (list.body as { items: CoreEvent[] }).items;
}

describe('EventRecorder', () => {
  it('records controller and kubelet events as the legacy recorder does, counting repeats', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    sandbox = await startTestSandbox({ now: () => new Date(clock.wallNow()) });
    const recorder = new EventRecorder(sandbox.apiServer.api, clock);
    const pulling = {
      regarding: pod,
      type: 'Normal' as const,
      reason: 'Pulling',
      note: 'Pulling image "nginx"',
      reportingController: 'kubelet',
      reportingInstance: 'cpu-1',
      fieldPath: 'spec.containers{app}',
    };
    recorder.record(pulling);
    clock.advance(5_000);
    recorder.record({
      regarding: pod,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      note: 'Created pod: web-1',
      reportingController: 'replicaset-controller',
    });
    clock.advance(5_000);
    recorder.record(pulling);

    const events = await coreEvents(sandbox);
    expect(events).toHaveLength(2);
    const kubelet = events.find((event) => event.reason === 'Pulling');
    expect(kubelet).toMatchObject({
      involvedObject: {
        kind: 'Pod',
        name: 'web-1',
        namespace: 'default',
        uid: 'uid-1',
        fieldPath: 'spec.containers{app}',
      },
      message: 'Pulling image "nginx"',
      source: { component: 'kubelet', host: 'cpu-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'cpu-1',
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:10Z',
      count: 2,
      eventTime: null,
      type: 'Normal',
    });
    expect(kubelet?.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(events.find((event) => event.reason === 'SuccessfulCreate')).toMatchObject({
      source: { component: 'replicaset-controller' },
      reportingComponent: 'replicaset-controller',
      reportingInstance: '',
      firstTimestamp: '2026-01-01T00:00:05Z',
      lastTimestamp: '2026-01-01T00:00:05Z',
      count: 1,
    });
    // What `kubectl get events --sort-by=.lastTimestamp` and `kubectl describe` order by.
    const byLastSeen = [...events].sort((a, b) =>
      String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)),
    );
    expect(byLastSeen.map((event) => event.reason)).toEqual(['SuccessfulCreate', 'Pulling']);

    // events.k8s.io/v1 serves the same events with the deprecated* fields.
    const v1 = await sandbox.request('GET', '/apis/events.k8s.io/v1/namespaces/default/events');
    expect(
      (v1.body as { items: Record<string, unknown>[] }).items.find(
        (event) => event['reason'] === 'Pulling',
      ),
    ).toMatchObject({
      regarding: { name: 'web-1' },
      note: 'Pulling image "nginx"',
      reportingController: 'kubelet',
      deprecatedCount: 2,
      deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2026-01-01T00:00:10Z',
      deprecatedSource: { component: 'kubelet', host: 'cpu-1' },
    });
  });

  it('records scheduler events through events.k8s.io with a series', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    sandbox = await startTestSandbox({ now: () => new Date(clock.wallNow()) });
    const recorder = new EventRecorder(sandbox.apiServer.api, clock);
    const failed = {
      regarding: pod,
      type: 'Warning' as const,
      reason: 'FailedScheduling',
      note: '0/1 nodes are available: 1 Insufficient cpu.',
      reportingController: 'default-scheduler',
      action: 'Scheduling',
    };
    recorder.record(failed);
    clock.advance(10_000);
    recorder.record(failed);
    const [event] = await coreEvents(sandbox);
    expect(event).toMatchObject({
      eventTime: '2026-01-01T00:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2026-01-01T00:00:10.000000Z' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-raydeck-sandbox',
      action: 'Scheduling',
    });
    expect(event?.firstTimestamp ?? null).toBeNull();
  });
});
