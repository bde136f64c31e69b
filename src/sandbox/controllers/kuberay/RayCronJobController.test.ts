import { afterEach, describe, expect, it } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { RayJob } from './RayJob.ts';

let world: KubeRayTestWorld | undefined;
afterEach(() => world?.stop());

const cronJob = {
  apiVersion: 'ray.io/v1',
  kind: 'RayCronJob',
  metadata: { name: 'nightly', namespace: 'default' },
  spec: {
    schedule: '*/2 * * * *',
    jobTemplate: {
      entrypoint: 'echo hi',
      submissionMode: 'HTTPMode',
      clusterSelector: { 'ray.io/cluster': 'shared' },
    },
  },
};

describe('RayCronJob controller', () => {
  it('is off by default (feature gate RayCronJob)', () => {
    world = startKubeRayTestWorld();
    expect(world.operator.rayCronJobs).toBeUndefined();
  });

  it('creates <cronjob>-<unix minute> RayJobs on schedule and records lastScheduleTime', async () => {
    world = startKubeRayTestWorld({
      featureGates: { RayCronJob: true, RayJobDeletionPolicy: true },
    });
    world.apply(cronJob);
    await world.advance(5 * 60_000, 10_000);
    const jobs = world
      .list<RayJob>('ray.io', 'rayjobs', 'default')
      .filter((job) => job.metadata.labels?.['ray.io/cronjob-name'] === 'nightly');
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(jobs.map((job) => job.metadata.name).sort()).toEqual([
      `nightly-${start / 60_000 + 2}`,
      `nightly-${start / 60_000 + 4}`,
    ]);
    const first = jobs.find((job) => job.metadata.name === `nightly-${start / 60_000 + 2}`);
    expect(first?.metadata.annotations?.['ray.io/cronjob-scheduled-timestamp']).toBe(
      '2026-01-01T00:02:00Z',
    );
    expect(first?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'RayCronJob',
      name: 'nightly',
      controller: true,
    });
    expect(first?.spec.entrypoint).toBe('echo hi');
    const cron = world.get<{ status?: { lastScheduleTime?: string } } & RayJob>(
      'ray.io',
      'raycronjobs',
      'default',
      'nightly',
    );
    expect(cron?.status?.lastScheduleTime).toBe('2026-01-01T00:04:00Z');
  });
});
