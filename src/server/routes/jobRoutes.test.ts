import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiFailure } from '../../../test/support/apiFailure.ts';
import {
  eventually,
  startTestPortal,
  type TestPortal,
} from '../../../test/support/startTestPortal.ts';
import type { ApiClient } from '../../shared/client/apiClient.ts';

// Jobs routes over a real (bare) sandbox through the whole portal: RayJobs are created in
// Kubernetes and governed like clusters; the catalog is read from workloads/catalog.yaml.

let portal: TestPortal;
let bob: ApiClient; // member of team-b
let vera: ApiClient; // viewer of team-b

beforeAll(async () => {
  portal = await startTestPortal();
  bob = await portal.addUser('bob', 'member', ['team-b']);
  vera = await portal.addUser('vera', 'viewer', ['team-b']);
}, 60_000);
afterAll(() => portal?.close());

describe('jobs routes', () => {
  it('refuses a RayJob whose template exceeds the team quota before creating it, with the reason', async () => {
    await portal.admin.setTeamQuota('team-b', { gpus: 1 });
    await eventually(
      async () => (await bob.teamQuota('team-b')).settings?.gpus === 1,
      'team-b quota cached',
    );
    const refused = await apiFailure(
      bob.submitRayJob({
        team: 'team-b',
        name: 'two-gpus',
        cluster: { template: 'rtx4090-1', workerGroups: [{ name: 'workers', replicas: 2 }] },
        entrypoint: 'python gpu_check.py',
      }),
    );
    expect(refused.status).toBe(409);
    expect(refused.reason).toBe('QuotaExceeded');
    expect(refused.message).toContain('quota raydeck-team-quota allows 1');
    expect(refused.fields[0]?.path).toBe('body.cluster.workerGroups');
    const stored = await portal.sandbox.request(
      'GET',
      '/apis/ray.io/v1/namespaces/team-b/rayjobs/two-gpus',
    );
    expect(stored.status).toBe(404);
    expect((await bob.listJobs({ team: 'team-b' })).total).toBe(0);
  });

  it('creates a RayJob from a template with its lifecycle, lists it, and lets viewers read only', async () => {
    const created = await bob.submitRayJob({
      team: 'team-b',
      name: 'one-gpu',
      cluster: { template: 'rtx4090-1' },
      entrypoint: 'python gpu_check.py',
      shutdownAfterJobFinishes: true,
      ttlSecondsAfterFinished: 30,
      activeDeadlineSeconds: 600,
      backoffLimit: 1,
    });
    expect(created.summary).toMatchObject({
      kind: 'rayjob',
      rayJobName: 'one-gpu',
      owner: 'bob',
      template: 'rtx4090-1',
      status: { phase: 'Waiting' },
    });
    const stored = await portal.sandbox.request(
      'GET',
      '/apis/ray.io/v1/namespaces/team-b/rayjobs/one-gpu',
    );
    const rayJob = stored.body as {
      spec: Record<string, unknown> & { rayClusterSpec: { workerGroupSpecs: unknown[] } };
    };
    expect(rayJob.spec).toMatchObject({
      entrypoint: 'python gpu_check.py',
      shutdownAfterJobFinishes: true,
      ttlSecondsAfterFinished: 30,
      activeDeadlineSeconds: 600,
      backoffLimit: 1,
    });
    expect(rayJob.spec.rayClusterSpec.workerGroupSpecs.length).toBeGreaterThan(0);
    const list = await vera.listJobs({ team: 'team-b', kind: 'rayjob' });
    expect(list.items.map((job) => job.rayJobName)).toEqual(['one-gpu']);
    expect((await apiFailure(vera.stopJob('team-b', created.summary.id))).status).toBe(403);
    const again = await bob.resubmitJob('team-b', created.summary.id);
    expect(again.kind).toBe('rayjob');
    expect(again.rayJob?.name).toMatch(/^one-gpu-[a-z0-9]{5}$/);
    expect(again.rayJob?.activeDeadlineSeconds).toBe(600);
    await bob.deleteJob('team-b', created.summary.id);
    await eventually(
      async () =>
        (await portal.sandbox.request('GET', '/apis/ray.io/v1/namespaces/team-b/rayjobs/one-gpu'))
          .status === 404,
      'RayJob deleted',
    );
  });

  it('answers 400 naming the field for a missing entrypoint and a bad runtime env', async () => {
    const missing = await apiFailure(
      bob.request('/api/v1/jobs/submissions', {
        method: 'POST',
        body: { team: 'team-b', cluster: 'c1' },
      }),
    );
    expect(missing.status).toBe(400);
    expect(missing.message).toContain('body.entrypoint');
    const badEnv = await apiFailure(
      bob.submitJob({
        team: 'team-b',
        cluster: 'c1',
        entrypoint: 'python x.py',
        runtimeEnv: { workingDir: 'file:///etc' },
      }),
    );
    expect(badEnv.status).toBe(400);
    expect(badEnv.message).toContain('body.runtimeEnv.workingDir');
    const noCluster = await apiFailure(
      bob.submitJob({ team: 'team-b', cluster: 'c1', entrypoint: 'python x.py' }),
    );
    expect(noCluster.status).toBe(404);
    expect(noCluster.fields[0]?.path).toBe('body.cluster');
  });

  it('lists the built-in catalog and lets admins add and delete their own entries', async () => {
    const catalog = await bob.listCatalog();
    expect(catalog.items.find((entry) => entry.id === 'gpu-check')).toMatchObject({
      source: 'builtin',
      resources: { gpus: 1 },
      script: 'gpu_check.py',
    });
    const entry = {
      id: 'hello-pip',
      title: 'Hello with pip',
      summary: 'Prints the version of a pip package.',
      entrypoint: 'python -c "import emoji; print(emoji.__version__)"',
      resources: { cpus: 1, gpus: 0 },
      runtimeEnv: { pip: ['emoji'] },
      timeoutSeconds: 300,
      rayExtras: [],
    };
    expect((await apiFailure(bob.createCatalogEntry(entry))).status).toBe(403);
    expect(await portal.admin.createCatalogEntry(entry)).toMatchObject({ source: 'admin' });
    expect((await bob.listCatalog()).items.map((item) => item.id)).toContain('hello-pip');
    expect((await apiFailure(portal.admin.deleteCatalogEntry('gpu-check'))).status).toBe(409);
    await portal.admin.deleteCatalogEntry('hello-pip');
    expect((await bob.listCatalog()).items.map((item) => item.id)).not.toContain('hello-pip');
  });
});
