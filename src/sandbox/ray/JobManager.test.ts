import { describe, expect, it } from 'vitest';

import { testCpuWorker, testHead } from '../../../test/support/startRayHeadTestServer.ts';
import { ManualClock } from '../world/simClock.ts';
import {
  entrypointDemand,
  isTerminal,
  JobManager,
  runtimeEnvInstallMs,
  supervisorStartMs,
} from './JobManager.ts';
import { ResourceLedger } from './ResourceLedger.ts';

function manager(): { jobs: JobManager; clock: ManualClock; freed: number[] } {
  const clock = new ManualClock();
  const ledger = new ResourceLedger('c');
  ledger.setNodes([testHead, testCpuWorker], clock.now());
  const freed: number[] = [];
  const jobs = new JobManager({
    clock,
    ledger,
    clusterName: 'c',
    onResourcesFreed: () => freed.push(clock.now()),
  });
  return { jobs, clock, freed };
}

describe('JobManager', () => {
  it('maps entrypoint options to Ray resource names', () => {
    expect(
      entrypointDemand({
        entrypoint: 'x',
        entrypointNumCpus: 1,
        entrypointNumGpus: 0,
        entrypointMemory: 5,
        entrypointResources: { TPU: 2 },
      }),
    ).toEqual({ CPU: 1, memory: 5, TPU: 2 });
    expect(
      ['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'].map((status) =>
        isTerminal(status as never),
      ),
    ).toEqual([false, false, true, true, true]);
    expect([supervisorStartMs, runtimeEnvInstallMs]).toEqual([1500, 20_000]);
  });

  it('lets a follower see the log from the start once the entrypoint runs, then each chunk, then the end', () => {
    const { jobs, clock } = manager();
    const id = jobs.submit({ entrypoint: 'echo a && sleep 1 && echo b' });
    const chunks: string[] = [];
    let ended = false;
    jobs.followLogs(
      id,
      (chunk) => chunks.push(chunk),
      () => (ended = true),
    );
    expect(chunks).toEqual([]);
    clock.advance(1505);
    expect(chunks).toEqual([
      '2026-01-01 00:00:00,000\tINFO job_manager.py:568 -- Runtime env is setting up.\n',
      'a\n',
    ]);
    clock.advance(1004);
    expect(ended).toBe(false);
    clock.advance(1);
    expect(chunks.at(-1)).toBe('b\n');
    expect(ended).toBe(true);
  });

  it('ends a follower at once for an unknown or finished job', () => {
    const { jobs } = manager();
    let ends = 0;
    jobs.followLogs(
      'nope',
      () => undefined,
      () => ends++,
    );
    const id = jobs.submit({ entrypoint: 'echo' });
    jobs.stop(id);
    jobs.followLogs(
      id,
      () => undefined,
      () => ends++,
    );
    expect(ends).toBe(2);
  });

  it('asks for rescheduling when a job ends, and records the activity time', () => {
    const { jobs, clock, freed } = manager();
    const id = jobs.submit({ entrypoint: 'sleep 2', entrypointNumCpus: 1 });
    expect(jobs.lastActivity()).toBe(clock.now());
    clock.advance(3500);
    expect(jobs.details(id)?.status).toBe('SUCCEEDED');
    expect(freed).toEqual([clock.now()]);
    expect(jobs.lastActivity()).toBe(clock.now());
    expect(jobs.latestEndTime()).toBe(clock.now());
    expect(jobs.hasActiveJobs()).toBe(false);
  });

  it('cancels everything on stopAll', () => {
    const { jobs, clock } = manager();
    jobs.submit({ entrypoint: 'sleep 100' });
    clock.advance(2000);
    jobs.stopAll();
    expect(clock.pendingTimers).toBe(0);
  });
});
