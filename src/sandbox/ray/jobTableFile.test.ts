import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { testCpuWorker, testHead } from '../../../test/support/startRayHeadTestServer.ts';
import { ManualClock } from '../world/simClock.ts';
import { jobTableFile } from './jobTableFile.ts';
import { RayHeadSimulation } from './RayHeadSimulation.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function head(clock: ManualClock, file: string): RayHeadSimulation {
  return new RayHeadSimulation({
    clock,
    clusterName: 'c',
    namespace: 'team-a',
    rayVersion: '2.52.0',
    nodes: [testHead, testCpuWorker],
    jobTable: jobTableFile(file),
  });
}

describe('jobTableFile', () => {
  it('brings a head job table back after a restart; unfinished jobs end FAILED', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raydeck-jobs-'));
    dirs.push(dir);
    const file = join(dir, 'team-a', 'c-head-abcde.json');
    const clock = new ManualClock();
    const first = head(clock, file);
    first.submitJob({ entrypoint: 'echo done', submission_id: 'finished' });
    clock.advance(10_000);
    first.submitJob({ entrypoint: 'sleep 3600', submission_id: 'running' });
    clock.advance(5_000);
    expect(first.getJob('finished')?.status).toBe('SUCCEEDED');
    expect(first.getJob('running')?.status).toBe('RUNNING');
    const before = first.getJob('finished');
    // The process dies: no stop(), only what was saved on the way.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'raydeck-ray-jobs/v1' });

    clock.advance(60_000);
    const second = head(clock, file);
    expect(second.getJob('finished')).toEqual(before);
    expect(second.getJobLogs('finished')).toBe(first.getJobLogs('finished'));
    expect(second.getJob('running')).toMatchObject({
      status: 'FAILED',
      error_type: 'JOB_SUPERVISOR_ACTOR_DIED',
      end_time: clock.now(),
    });
    // Ids keep counting from where the old head stopped.
    second.submitJob({ entrypoint: 'echo again', submission_id: 'next' });
    clock.advance(10_000);
    const jobIds = second.listJobs().map((job) => job.job_id);
    expect(new Set(jobIds.filter((id) => id !== null)).size).toBe(
      jobIds.filter((id) => id !== null).length,
    );
    first.stop();
    second.stop();
  });
});
