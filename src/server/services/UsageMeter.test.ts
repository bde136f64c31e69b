import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../../../test/support/eventually.ts';
import { readManifest } from '../../../test/support/readManifest.ts';
import type { TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { startWorldTestSandbox } from '../../../test/support/startWorldTestSandbox.ts';
import { KubeCache } from '../k8s/KubeCache.ts';
import { connectKube } from '../k8s/kubeConnection.ts';
import type { Database } from '../store/database.ts';
import { openDatabase } from '../store/openDatabase.ts';
import { scaledClock, UsageMeter } from './UsageMeter.ts';

// GPU-hours metered from a sandbox world's pods over HTTP, with an injected clock for the
// meter's own times (pod start times come from the sandbox).

let sandbox: TestSandbox;
let cache: KubeCache;
let db: Kysely<Database>;
let clock = Date.parse('2030-01-01T00:00:00Z');
const now = () => new Date(clock);

beforeAll(async () => {
  sandbox = await startWorldTestSandbox({ speed: 50 });
  const connection = connectKube({ kind: 'sandbox', kubeconfigPath: sandbox.kubeconfig });
  cache = new KubeCache({
    kubeConfig: connection.kubeConfig,
    informerOptions: { initialBackoffMs: 50, maxBackoffMs: 200 },
  });
  cache.start();
  await cache.waitForSync();
  db = await openDatabase({ file: ':memory:' });
}, 60_000);
afterAll(async () => {
  await cache.stop();
  await db.destroy();
  await sandbox.close();
});

async function openRows() {
  return db.selectFrom('gpu_usage').selectAll().where('ended_at', 'is', null).execute();
}

describe('UsageMeter', () => {
  it('opens an interval per running GPU pod, closes it when the pod goes, and rebuilds after a restart', async () => {
    const registry = new Registry();
    const meter = new UsageMeter({ db, cache, now, heartbeatMs: 3_600_000, registry });
    await meter.start();
    const manifest = readManifest('raycluster-gpu-1.yaml');
    const created = await sandbox.request('POST', '/apis/ray.io/v1/namespaces/team-b/rayclusters', {
      ...manifest,
      metadata: {
        name: 'metered',
        labels: { 'raydeck.dev/owner': 'ana', 'raydeck.dev/template': 'gpu-1' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await eventually(
      async () => {
        await meter.flush();
        return (await openRows()).length === 1;
      },
      'the GPU worker is metered',
      30_000,
    );
    const [row] = await openRows();
    const worker = cache.list('Pod').find((pod) => pod.metadata.uid === row?.pod_uid);
    expect(row).toMatchObject({
      namespace: 'team-b',
      cluster: 'metered',
      owner: 'ana',
      template: 'gpu-1',
      gpu_product: 'NVIDIA-GeForce-RTX-4090',
      gpus: 1,
      last_seen_at: '2030-01-01T00:00:00.000Z',
    });
    const startedAt = worker?.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? '';
    expect(row?.started_at).toBe(new Date(startedAt).toISOString());
    // Nothing runs on it: idle from the first sample.
    const idle = await db.selectFrom('cluster_idle').selectAll().execute();
    expect(idle).toMatchObject([{ namespace: 'team-b', cluster: 'metered', ended_at: null }]);
    expect(await registry.getSingleMetricAsString('raydeck_gpus_allocated')).toContain(
      'raydeck_gpus_allocated{team="team-b",gpu_product="NVIDIA-GeForce-RTX-4090"} 1',
    );
    // Hours from the pod's start to the meter's clock, per team, user, cluster, template, product.
    const hoursSoFar = (clock - Date.parse(row?.started_at ?? '')) / 3_600_000;
    const usageMetric = await registry.getSingleMetricAsString('raydeck_gpu_usage_hours');
    const value =
      /raydeck_gpu_usage_hours\{team="team-b",user="ana",cluster="metered",template="gpu-1",gpu_product="NVIDIA-GeForce-RTX-4090"\} ([\d.e+]+)/.exec(
        usageMetric,
      )?.[1];
    expect(Number(value)).toBeCloseTo(hoursSoFar, 3);

    // The portal stops; an hour later it starts again with the pod still running.
    clock += 60_000;
    await meter.heartbeat();
    await meter.stop();
    clock += 3_600_000;
    const restarted = new UsageMeter({ db, cache, now, heartbeatMs: 3_600_000 });
    await restarted.start();
    await restarted.flush();
    const resumed = await openRows();
    expect(resumed.map((entry) => [entry.pod_uid, entry.started_at])).toEqual([
      [row?.pod_uid, row?.started_at],
    ]);
    const idleAfter = await db.selectFrom('cluster_idle').selectAll().orderBy('id').execute();
    // The idle spell ends at the last sighting before the restart; a new one begins.
    expect(idleAfter.map((entry) => [entry.ended_at, entry.started_at])).toEqual([
      ['2030-01-01T00:01:00.000Z', '2030-01-01T00:00:00.000Z'],
      [null, '2030-01-01T01:01:00.000Z'],
    ]);

    clock += 60_000;
    const deleted = await sandbox.request(
      'DELETE',
      '/apis/ray.io/v1/namespaces/team-b/rayclusters/metered',
    );
    expect(deleted.status).toBe(200);
    await eventually(
      async () => {
        await restarted.flush();
        return (await openRows()).length === 0;
      },
      'the interval is closed',
      30_000,
    );
    const closed = await db.selectFrom('gpu_usage').selectAll().execute();
    expect(closed.map((entry) => entry.ended_at)).toEqual(['2030-01-01T01:02:00.000Z']);
    await restarted.stop();
  }, 90_000);
});

describe('scaledClock', () => {
  it('runs speed times faster than the wall clock from its creation', () => {
    let wall = Date.parse('2026-03-01T00:00:00Z');
    const now = scaledClock(20, () => wall);
    wall += 60_000;
    expect(now().toISOString()).toBe('2026-03-01T00:20:00.000Z');
  });
});
