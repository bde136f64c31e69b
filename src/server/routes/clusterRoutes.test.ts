import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiFailure } from '../../../test/support/apiFailure.ts';
import {
  eventually,
  startTestPortal,
  type TestPortal,
} from '../../../test/support/startTestPortal.ts';
import type { CreateClusterRequest } from '../../shared/api/clusterSchemas.ts';
import type { TemplateInput } from '../../shared/api/templateSchemas.ts';
import type { ApiClient } from '../../shared/client/apiClient.ts';

// Templates as policy, over a real sandbox: every way to shape a cluster (create, preview, scale,
// resume) is held to its template, and only the templates namespace holds templates.

let portal: TestPortal;
let alice: ApiClient; // member of team-a

beforeAll(async () => {
  portal = await startTestPortal();
  alice = await portal.addUser('alice', 'member', ['team-a']);
}, 60_000);
afterAll(() => portal?.close());

const request = (
  name: string,
  extra: Partial<CreateClusterRequest> = {},
): CreateClusterRequest => ({
  name,
  team: 'team-a',
  template: 'rtx4090-1',
  ...extra,
});

/** Waits until the portal's cache shows the cluster, so scale and resume can find it. */
async function listed(name: string): Promise<void> {
  await eventually(
    async () => (await alice.listClusters({ q: name })).items.some((item) => item.name === name),
    `${name} listed`,
  );
}

const policyTemplate = (name: string, overrides: Partial<TemplateInput> = {}): TemplateInput => ({
  name,
  description: 'for policy tests',
  head: { cpu: 1, memory: '2Gi' },
  worker: { cpu: 1, memory: '2Gi', gpu: 0 },
  allowedRayVersions: ['2.52.0'],
  allowedImages: [],
  maxWorkers: 2,
  defaultWorkers: 1,
  defaultIdleTimeoutSeconds: 3600,
  ...overrides,
});

/** Waits until every template the portal reads has the version an update answered. */
async function templateAt(name: string, version: number): Promise<void> {
  await eventually(
    async () =>
      (await alice.listTemplates()).items.find((template) => template.name === name)?.version ===
      version,
    `${name} at version ${version}`,
  );
}

describe('scale is held to the template', () => {
  it('refuses replicas and maxReplicas beyond the template, naming field and limit', async () => {
    await alice.createCluster(request('scaled'));
    await listed('scaled');
    const refused = await apiFailure(
      alice.scaleCluster('team-a', 'scaled', { group: 'workers', replicas: 50, maxReplicas: 1000 }),
    );
    expect(refused.status).toBe(400);
    expect(refused.reason).toBe('ValidationFailed');
    expect(refused.fields).toEqual([
      { path: 'body.maxReplicas', message: 'at most 2 workers (template rtx4090-1)' },
      { path: 'body.replicas', message: 'at most 2 workers (template rtx4090-1)' },
      {
        path: 'cluster.workerGroups',
        message: '50 workers in all; at most 2 workers (template rtx4090-1)',
      },
    ]);
    await alice.scaleCluster('team-a', 'scaled', { group: 'workers', replicas: 2 });
  });

  it('refuses to scale up a cluster whose exposure the template never granted', async () => {
    // As a cluster made before exposure became policy: LoadBalancer on a ClusterIP-only template.
    const created = await alice.previewCluster(request('exposed'));
    const manifest = created.manifest;
    const stored = await portal.sandbox.request(
      'POST',
      '/apis/ray.io/v1/namespaces/team-a/rayclusters',
      {
        ...manifest,
        metadata: { ...manifest.metadata, resourceVersion: undefined },
        spec: {
          ...manifest.spec,
          headGroupSpec: { ...manifest.spec.headGroupSpec, serviceType: 'LoadBalancer' },
        },
      },
    );
    expect(stored.status).toBe(201);
    await listed('exposed');
    const refused = await apiFailure(
      alice.scaleCluster('team-a', 'exposed', { group: 'workers', replicas: 2 }),
    );
    expect(refused.fields).toEqual([
      { path: 'cluster.exposure', message: 'ClusterIP only (template rtx4090-1)' },
    ]);
    // Scaling down only brings it closer to policy, so it is allowed.
    await alice.scaleCluster('team-a', 'exposed', {
      group: 'workers',
      replicas: 0,
      minReplicas: 0,
    });
  });
});

describe('create and preview are held to the template', () => {
  it('refuses autoscaling groups whose maxima add up beyond the template', async () => {
    const groups = Array.from({ length: 8 }, (_, index) => ({
      name: `g${index}`,
      replicas: 0,
      minReplicas: 0,
      maxReplicas: 2,
    }));
    const refused = await apiFailure(
      alice.previewCluster(
        request('many-groups', { autoscaling: { enabled: true }, workerGroups: groups }),
      ),
    );
    expect(refused.fields).toEqual([
      {
        path: 'body.workerGroups',
        message:
          '16 workers in all at the autoscaling maximum; at most 2 workers (template rtx4090-1)',
      },
    ]);
  });

  it('refuses exposure outside the cluster unless an admin granted it in the template', async () => {
    const refused = await apiFailure(
      alice.createCluster(request('public', { exposure: 'LoadBalancer' })),
    );
    expect(refused.status).toBe(400);
    expect(refused.fields).toEqual([
      { path: 'body.exposure', message: 'ClusterIP only (template rtx4090-1)' },
    ]);

    const granted = await portal.admin.createTemplate(
      policyTemplate('nodeport-ok', { allowedExposure: ['NodePort'] }),
    );
    expect(granted.allowedExposure).toEqual(['ClusterIP', 'NodePort']);
    // Stored in KubeRay APIServer's layout, Raydeck's extras as raydeck_* keys.
    const configMap = await portal.sandbox.request(
      'GET',
      '/api/v1/namespaces/raydeck/configmaps/nodeport-ok',
    );
    expect((configMap.body as { data: Record<string, string> }).data).toMatchObject({
      name: 'nodeport-ok',
      cpu: '1',
      gpu: '0',
      raydeck_allowed_exposure: '["NodePort"]',
    });
    await templateAt('nodeport-ok', 1);
    await alice.previewCluster(
      request('nodeport', { template: 'nodeport-ok', exposure: 'NodePort' }),
    );
    const loadBalancer = await apiFailure(
      alice.previewCluster(request('lb', { template: 'nodeport-ok', exposure: 'LoadBalancer' })),
    );
    expect(loadBalancer.fields).toEqual([
      { path: 'body.exposure', message: 'one of ClusterIP, NodePort (template nodeport-ok)' },
    ]);
  });

  it('refuses images outside the template and tags that are not the Ray version', async () => {
    const refused = await apiFailure(
      alice.previewCluster(request('imaged', { image: 'rayproject/ray:2.9.0' })),
    );
    expect(refused.fields).toEqual([
      {
        path: 'body.image',
        message: 'tag 2.52.0 or 2.52.0-<variant>, the Ray version (template rtx4090-1)',
      },
    ]);
  });
});

describe('resume is held to the template as it is now', () => {
  it('refuses to resume a cluster the template has since outgrown, until scaled down', async () => {
    const before = await portal.admin.createTemplate(policyTemplate('shrinking'));
    await templateAt('shrinking', before.version);
    await alice.createCluster(
      request('dormant', {
        template: 'shrinking',
        workerGroups: [{ name: 'workers', replicas: 2, minReplicas: 0, maxReplicas: 2 }],
      }),
    );
    await listed('dormant');
    await alice.suspendCluster('team-a', 'dormant');
    const after = await portal.admin.updateTemplate(
      'shrinking',
      policyTemplate('shrinking', { maxWorkers: 1 }),
    );
    await templateAt('shrinking', after.version);

    const refused = await apiFailure(alice.resumeCluster('team-a', 'dormant'));
    expect(refused.fields).toEqual([
      {
        path: 'cluster.workerGroups[0].maxReplicas',
        message: 'at most 1 worker (template shrinking)',
      },
      {
        path: 'cluster.workerGroups[0].replicas',
        message: 'at most 1 worker (template shrinking)',
      },
      {
        path: 'cluster.workerGroups',
        message: '2 workers in all; at most 1 worker (template shrinking)',
      },
    ]);
    await alice.scaleCluster('team-a', 'dormant', {
      group: 'workers',
      replicas: 1,
      maxReplicas: 1,
    });
    await eventually(
      async () =>
        (await alice.getCluster('team-a', 'dormant')).resource.spec.workerGroupSpecs?.[0]
          ?.maxReplicas === 1,
      'scaled down in the cache',
    );
    await alice.resumeCluster('team-a', 'dormant');
  });
});

describe('templates come from the templates namespace only', () => {
  it('ignores a template ConfigMap a team put in its own namespace', async () => {
    const planted = await portal.sandbox.request('POST', '/api/v1/namespaces/team-a/configmaps', {
      metadata: {
        name: 'planted',
        labels: { 'ray.io/config-type': 'compute-template', 'ray.io/compute-template': 'planted' },
      },
      data: {
        name: 'planted',
        namespace: 'team-a',
        cpu: '64',
        memory: '256',
        memory_unit: 'Gi',
        gpu: '8',
        raydeck_version: '1',
        raydeck_max_workers: '1000',
        raydeck_allowed_images: '["evil/miner"]',
        raydeck_allowed_exposure: '["LoadBalancer"]',
      },
    });
    expect(planted.status).toBe(201);
    await eventually(
      () => portal.cache.get('ConfigMap', 'team-a', 'planted') !== undefined,
      'planted ConfigMap in the cache',
    );
    const names = (await alice.listTemplates(true)).items.map((template) => template.name);
    expect(names).not.toContain('planted');
    expect((await portal.admin.listTemplates(true)).items.map((t) => t.name)).not.toContain(
      'planted',
    );
    const refused = await apiFailure(
      alice.createCluster(request('from-planted', { template: 'planted' })),
    );
    expect(refused.fields).toEqual([{ path: 'body.template', message: 'does not exist' }]);
  });
});
