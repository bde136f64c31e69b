import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
  testGpuWorker,
  testHead,
} from '../../../test/support/startRayHeadTestServer.ts';
import { zipWorkingDir } from '../../shared/ray/workingDirZip.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import { serviceProxyTo } from '../k8s/serviceProxyRequest.ts';
import type { Database } from '../store/database.ts';
import { JobStore } from '../store/JobStore.ts';
import { openDatabase } from '../store/openDatabase.ts';
import type { ClusterIndex } from './ClusterIndex.ts';
import type { ClusterService } from './ClusterService.ts';
import { JobService, translateRayError } from './JobService.ts';
import { ServiceError } from './serviceErrors.ts';
import { WorkloadCatalog } from './WorkloadCatalog.ts';

/**
 * The jobs service against a simulated Ray head over real HTTP: requests go through the portal's
 * own service-proxy client to a loopback server that plays the Kubernetes service proxy
 * (`/api/v1/namespaces/<ns>/services/<c>-head-svc:dashboard/proxy/<path>`) and hands them to the
 * head. Time is the head's ManualClock, shared with the service.
 */
const ada: AuthenticatedUser = {
  id: 'u1',
  username: 'ada',
  displayName: 'Ada',
  role: 'member',
  teams: ['team-a'],
  via: 'token',
};
const vic: AuthenticatedUser = { ...ada, id: 'u2', username: 'vic', role: 'viewer' };
const bob: AuthenticatedUser = { ...ada, id: 'u3', username: 'bob', teams: ['team-b'] };

let head: RayHeadTestServer;
let front: Server;
let dataDir: string;
/** Whether the cluster `team-a/c1` exists in the (fake) cache; deleting it flips this. */
let clusterExists = true;
let open: { db: Kysely<Database>; jobs: JobService }[] = [];

const cache = {
  synced: true,
  get: (kind: string, namespace: string, name: string) =>
    kind === 'RayCluster' && clusterExists && namespace === 'team-a' && name === 'c1'
      ? { metadata: { namespace, name }, status: { state: 'ready' } }
      : undefined,
  list: (kind: string) =>
    kind === 'RayCluster' && clusterExists
      ? [{ metadata: { namespace: 'team-a', name: 'c1' }, status: { state: 'ready' } }]
      : [],
} as unknown as KubeCache;

async function startJobs(settings: { logMaxBytes?: number } = {}) {
  const db = await openDatabase({ file: join(dataDir, 'raydeck.db') });
  const jobs = new JobService({
    store: new JobStore(db),
    cache,
    proxy: serviceProxyTo(`http://127.0.0.1:${(front.address() as AddressInfo).port}`),
    client: {} as KubeClient,
    clusters: {} as ClusterService,
    index: { get: () => undefined } as unknown as ClusterIndex,
    catalog: new WorkloadCatalog({ db, folder: join(process.cwd(), 'workloads') }),
    now: () => head.clock.now(),
    settings,
  });
  open.push({ db, jobs });
  return jobs;
}

/** Moves the head's clock in 500 ms steps, capturing after each, `ms` in all. */
async function run(jobs: JobService, ms: number) {
  for (let spent = 0; spent < ms; spent += 500) {
    head.clock.advance(500);
    await jobs.captureOnce();
  }
}

beforeEach(async () => {
  clusterExists = true;
  dataDir = mkdtempSync(join(tmpdir(), 'raydeck-jobs-'));
  head = await startRayHeadTestServer({ nodes: [testHead, testGpuWorker] });
  front = createServer((request, response) => {
    const match =
      /^\/api\/v1\/namespaces\/team-a\/services\/c1-head-svc:dashboard\/proxy(\/.*)$/.exec(
        request.url ?? '',
      );
    if (!match?.[1]) {
      response.writeHead(404).end('no such service');
      return;
    }
    void head.simulation.handler(request, response, match[1]);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  for (const { db, jobs } of open) {
    await jobs.stop();
    await db.destroy();
  }
  open = [];
  await head.close();
  await new Promise((resolve) => front.close(resolve));
});

describe('JobService against a simulated Ray head', () => {
  it('submits with an uploaded working dir, captures status, log and GPU-seconds, and keeps them after the cluster is gone and across a restart', async () => {
    const jobs = await startJobs();
    const zip = Buffer.from(zipWorkingDir([{ path: 'x.py', bytes: Buffer.from('print("hi")\n') }]));
    const uploaded = await jobs.uploadPackage(ada, 'team-a', 'c1', zip);
    expect(uploaded.uri).toMatch(/^gcs:\/\/_ray_pkg_[0-9a-f]{40}\.zip$/);
    const exists = await head.request('GET', `/api/packages/gcs/${uploaded.uri.slice(6)}`);
    expect(exists.status).toBe(200);

    const detail = await jobs.submitToCluster(ada, {
      team: 'team-a',
      cluster: 'c1',
      submissionId: 'train-1',
      entrypoint: 'python x.py --duration=20',
      runtimeEnv: { workingDir: uploaded.uri, envVars: { SECRET_TOKEN: 'hunter2' } },
      entrypointResources: { numGpus: 1 },
    });
    expect(detail.summary).toMatchObject({
      kind: 'submission',
      owner: 'ada',
      origin: 'raydeck',
      cluster: 'c1',
      submissionId: 'train-1',
      gpus: 1,
      status: { phase: 'Pending' },
      runtimeEnv: { workingDir: uploaded.uri, envVarNames: ['SECRET_TOKEN'], pip: [] },
    });
    // The list shows env var names only; values stay in the detail for the team.
    expect(JSON.stringify(detail.summary)).not.toContain('hunter2');

    await run(jobs, 40_000);
    const done = await jobs.detail(ada, 'team-a', detail.summary.id);
    expect(done.summary.status).toMatchObject({ phase: 'Succeeded', rayStatus: 'SUCCEEDED' });
    // Consecutive entries of one phase differ in Ray's status or message.
    const phases = done.timeline.map((entry) => entry.status.phase);
    expect(phases.filter((phase, index) => phase !== phases[index - 1])).toEqual([
      'Pending',
      'Running',
      'Succeeded',
    ]);
    // GPU-seconds: 1 GPU × the time seen Running on the injected clock.
    const running = Date.parse(done.summary.startedAt ?? '');
    const ended = Date.parse(done.summary.endedAt ?? '');
    expect(done.summary.gpuSeconds).toBeCloseTo((ended - running) / 1000, 3);
    expect(done.summary.gpuSeconds).toBeGreaterThan(0);
    const rayLog = (await head.request('GET', '/api/jobs/train-1/logs')).json<{ logs: string }>()
      .logs;
    expect(rayLog.length).toBeGreaterThan(0);
    const log = await jobs.readLog(ada, 'team-a', done.summary.id, {});
    expect(log.text).toBe(rayLog);
    expect(log.complete).toBe(true);

    // The cluster goes away: the job keeps its status and whole log.
    clusterExists = false;
    await jobs.captureOnce();
    const after = await jobs.detail(ada, 'team-a', done.summary.id);
    expect(after.summary).toMatchObject({ clusterGone: true, status: { phase: 'Succeeded' } });
    expect((await jobs.readLog(ada, 'team-a', done.summary.id, {})).text).toBe(rayLog);

    // A restart on the same data dir finds all of it.
    await jobs.stop();
    const restarted = await startJobs();
    const reread = await restarted.detail(ada, 'team-a', done.summary.id);
    expect(reread.summary).toEqual(after.summary);
    expect((await restarted.readLog(ada, 'team-a', done.summary.id, {})).text).toBe(rayLog);
    expect((await restarted.readLog(ada, 'team-a', done.summary.id, { tail: 10 })).text).toBe(
      Buffer.from(rayLog).subarray(-10).toString(),
    );
  });

  it('finds jobs submitted around the portal (ray job submit) and marks unfinished ones Lost when the cluster goes', async () => {
    const jobs = await startJobs();
    await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'sleep 600', submission_id: 'from-cli' },
    });
    await run(jobs, 5_000);
    const list = await jobs.list(ada, { q: 'from-cli' });
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ origin: 'external', status: { phase: 'Running' } });
    expect(list.items[0]?.owner).toBeUndefined();
    clusterExists = false;
    await jobs.captureOnce();
    const id = list.items[0]?.id ?? '';
    const lost = await jobs.detail(ada, 'team-a', id);
    expect(lost.summary.status.phase).toBe('Lost');
    expect(lost.why?.code).toBe('cluster-gone');
  });

  it('answers 4xx naming the field for a duplicate submission id, a bad runtime env and a missing cluster', async () => {
    const jobs = await startJobs();
    const base = { team: 'team-a', cluster: 'c1', entrypoint: 'echo hi' };
    await jobs.submitToCluster(ada, { ...base, submissionId: 'dup' });
    const duplicate = await jobs
      .submitToCluster(ada, { ...base, submissionId: 'dup' })
      .catch((e) => e);
    expect(duplicate).toBeInstanceOf(ServiceError);
    expect(duplicate).toMatchObject({ statusCode: 409, fields: [{ path: 'body.submissionId' }] });
    // Submitted around the portal first: Ray's 500 becomes the same 409.
    await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'echo', submission_id: 'ray-dup' },
    });
    const rayDuplicate = await jobs
      .submitToCluster(ada, { ...base, submissionId: 'ray-dup' })
      .catch((e) => e);
    expect(rayDuplicate).toMatchObject({
      statusCode: 409,
      fields: [{ path: 'body.submissionId' }],
    });
    const missing = await jobs.submitToCluster(ada, { ...base, cluster: 'nope' }).catch((e) => e);
    expect(missing).toMatchObject({ statusCode: 404, fields: [{ path: 'body.cluster' }] });
    // Ray's own refusals (plain-text bodies) become 4xx naming the field.
    expect(
      translateRayError(400, 'ValueError: runtime_env["pip"] must be a list of strings', 'x'),
    ).toMatchObject({ statusCode: 400, fields: [{ path: 'body.runtimeEnv' }] });
    expect(
      translateRayError(400, 'TypeError: entrypoint_num_gpus must be a number', 'x'),
    ).toMatchObject({ statusCode: 400, fields: [{ path: 'body.entrypointResources' }] });
  });

  it('lets viewers read but not submit, stop or delete, and hides other teams’ jobs', async () => {
    const jobs = await startJobs();
    const created = await jobs.submitToCluster(ada, {
      team: 'team-a',
      cluster: 'c1',
      entrypoint: 'sleep 600',
    });
    const id = created.summary.id;
    expect((await jobs.detail(vic, 'team-a', id)).summary.id).toBe(id);
    await expect(
      jobs.submitToCluster(vic, { team: 'team-a', cluster: 'c1', entrypoint: 'echo' }),
    ).rejects.toMatchObject({ statusCode: 403 });
    await expect(jobs.stopJob(vic, 'team-a', id)).rejects.toMatchObject({ statusCode: 403 });
    await expect(jobs.deleteJob(vic, 'team-a', id)).rejects.toMatchObject({ statusCode: 403 });
    await expect(jobs.detail(bob, 'team-a', id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await jobs.list(bob, {})).total).toBe(0);

    await run(jobs, 3_000);
    await jobs.stopJob(ada, 'team-a', id);
    await run(jobs, 3_000);
    expect((await jobs.detail(ada, 'team-a', id)).summary.status.phase).toBe('Stopped');
    const again = await jobs.resubmit(ada, 'team-a', id);
    expect(again).toEqual({
      kind: 'submission',
      submission: { team: 'team-a', cluster: 'c1', entrypoint: 'sleep 600' },
    });
    await jobs.deleteJob(ada, 'team-a', id);
    await expect(jobs.detail(ada, 'team-a', id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await head.request('GET', `/api/jobs/${created.summary.submissionId}`)).status).toBe(
      404,
    );
  });

  it('keeps only the newest logMaxBytes of a long log, and says where the stored part starts', async () => {
    const jobs = await startJobs({ logMaxBytes: 64 });
    const created = await jobs.submitToCluster(ada, {
      team: 'team-a',
      cluster: 'c1',
      entrypoint: 'python -m noisy',
    });
    // Capture often, so the log arrives in many chunks.
    await run(jobs, 30_000);
    const detail = await jobs.detail(ada, 'team-a', created.summary.id);
    const rayLog = (
      await head.request('GET', `/api/jobs/${created.summary.submissionId}/logs`)
    ).json<{ logs: string }>().logs;
    expect(detail.summary.log.totalBytes).toBe(Buffer.byteLength(rayLog));
    expect(detail.summary.log.storedFrom).toBeGreaterThan(0);
    const stored = await jobs.readLog(ada, 'team-a', created.summary.id, {});
    expect(stored.offset).toBe(detail.summary.log.storedFrom);
    expect(Buffer.from(rayLog).subarray(stored.offset).toString()).toBe(stored.text);
  });
});
