import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

function job(name: string, command: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'work', image: 'busybox:1.36', command: ['sh', '-c', command] }],
        },
      },
      ...spec,
    },
  };
}

interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  conditions?: {
    type: string;
    status: string;
    reason: string;
    message: string;
    lastTransitionTime: string;
  }[];
  uncountedTerminatedPods?: object;
}

describe('Job controller', () => {
  it('runs a pod to completion and reports SuccessCriteriaMet and Complete', async () => {
    world = await startManualWorld();
    const jobs = world.type('batch', 'jobs');
    const pods = world.type('', 'pods');
    world.api.create(jobs, 'team-a', job('hello', 'echo hello; exit 0'));
    await world.settle();
    const [pod] = world.api.list(pods, { namespace: 'team-a' }).items;
    expect(pod?.metadata?.name).toMatch(/^hello-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod?.metadata?.labels).toMatchObject({
      'job-name': 'hello',
      'batch.kubernetes.io/job-name': 'hello',
    });
    expect(pod?.metadata?.ownerReferences?.[0]).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'hello',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(world.api.get(jobs, 'team-a', 'hello')['status']).toEqual({
      startTime: '2026-01-01T00:00:00Z',
      active: 1,
      terminating: 0,
      uncountedTerminatedPods: {},
      ready: 0,
    });
    // Pulled 4 s, started 5 s, runs jobPodSeconds (10 s): done at 00:00:15.
    await world.advance(15_000);
    const status = world.api.get(jobs, 'team-a', 'hello')['status'] as JobStatus;
    expect(status).toMatchObject({
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T00:00:15Z',
      succeeded: 1,
      ready: 0,
      terminating: 0,
    });
    expect(status.active).toBeUndefined();
    expect(
      status.conditions?.map((condition) => [
        condition.type,
        condition.status,
        condition.reason,
        condition.message,
      ]),
    ).toEqual([
      [
        'SuccessCriteriaMet',
        'True',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
      ],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(world.logs(pod as KubeObject)).toBe('hello\n');
    const events = world
      .eventsFor(world.api.get(jobs, 'team-a', 'hello'))
      .map((event) => [event['reason'], event['note']]);
    expect(events).toEqual([
      ['SuccessfulCreate', `Created pod: ${pod?.metadata?.name}`],
      ['Completed', 'Job completed'],
    ]);
  });

  it('retries failed pods with backoff and fails with BackoffLimitExceeded', async () => {
    world = await startManualWorld();
    const jobs = world.type('batch', 'jobs');
    const pods = world.type('', 'pods');
    world.api.create(jobs, 'team-a', job('flaky', 'exit 2', { backoffLimit: 1 }));
    // First pod fails at 00:00:15; the replacement waits 10 s, starts at once (image present),
    // runs 10 s after its 1 s start and fails at 00:00:36.
    await world.advance(15_000);
    expect(world.api.get(jobs, 'team-a', 'flaky')['status']).toMatchObject({ failed: 1 });
    expect(world.api.list(pods, { namespace: 'team-a' }).items).toHaveLength(1);
    await world.advance(10_000);
    expect(world.api.list(pods, { namespace: 'team-a' }).items).toHaveLength(2);
    await world.advance(11_000);
    const status = world.api.get(jobs, 'team-a', 'flaky')['status'] as JobStatus;
    expect(status.failed).toBe(2);
    expect(
      status.conditions?.map((condition) => [
        condition.type,
        condition.reason,
        condition.message,
        condition.lastTransitionTime,
      ]),
    ).toEqual([
      [
        'FailureTarget',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        '2026-01-01T00:00:36Z',
      ],
      [
        'Failed',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        '2026-01-01T00:00:36Z',
      ],
    ]);
    await world.advance(60_000);
    expect(world.api.list(pods, { namespace: 'team-a' }).items).toHaveLength(2);
  });

  it('completes after `completions` pods, `parallelism` at a time, then honours ttlSecondsAfterFinished', async () => {
    world = await startManualWorld();
    const jobs = world.type('batch', 'jobs');
    const pods = world.type('', 'pods');
    world.api.create(
      jobs,
      'team-a',
      job('batch', 'true; exit 0', { completions: 3, parallelism: 2, ttlSecondsAfterFinished: 30 }),
    );
    await world.settle();
    expect(world.api.list(pods, { namespace: 'team-a' }).items).toHaveLength(2);
    await world.advanceUntil(() => {
      const status = world?.api.get(jobs, 'team-a', 'batch')['status'] as JobStatus;
      return status.succeeded === 3;
    }, 120_000);
    expect(
      (world.api.get(jobs, 'team-a', 'batch')['status'] as JobStatus).conditions?.at(-1)?.type,
    ).toBe('Complete');
    await world.advance(30_000);
    expect(world.api.find(jobs, 'team-a', 'batch')).toBeUndefined();
    await world.settle();
    expect(world.api.list(pods, { namespace: 'team-a' }).items).toHaveLength(0);
  });
});
