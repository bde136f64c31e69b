import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CreateClusterRequest } from '../../src/shared/api/clusterSchemas.ts';
import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { apiFailure } from '../support/apiFailure.ts';
import { eventually } from '../support/eventually.ts';
import { h100TemplateInput } from '../support/h100TemplateInput.ts';
import { type PortalUnderTest, startPortalUnderTest } from '../support/startPortalUnderTest.ts';

// Runs in both portal test modes (test/support/portalTestMode.ts): the `node` project against an
// in-process portal, `node-deployed` against `raydeck serve` deployed by the kit with its RBAC.
let portal: PortalUnderTest;
let alice: ApiClient; // member of team-a
let bob: ApiClient; // member of team-b
let victor: ApiClient; // viewer in team-a

beforeAll(async () => {
  portal = await startPortalUnderTest();
  alice = await portal.addUser('alice', 'member', ['team-a']);
  bob = await portal.addUser('bob', 'member', ['team-b']);
  victor = await portal.addUser('victor', 'viewer', ['team-a']);
}, 120_000);
afterAll(() => portal?.close());

const request = (
  name: string,
  team = 'team-a',
  extra: Partial<CreateClusterRequest> = {},
): CreateClusterRequest => ({
  name,
  team,
  template: 'a100-1',
  ...extra,
});

async function clusterNames(client: ApiClient): Promise<string[]> {
  return (await client.listClusters()).items.map((item) => `${item.namespace}/${item.name}`).sort();
}

describe('portal API against a real sandbox over HTTP', () => {
  it('reaches the cluster as its mode says: its own sandbox, or in-cluster as deployed', async () => {
    const { connection } = await portal.admin.about();
    expect(connection).toMatchObject(
      portal.mode === 'deployed'
        ? { source: 'in-cluster', server: portal.sandbox.url, sandbox: false }
        : { source: 'sandbox', sandbox: true },
    );
  });

  it('creates a cluster from a template, with the template shape and owner', async () => {
    const created = await alice.createCluster(request('train'));
    const manifest = created.manifest;
    expect(manifest.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'raydeck',
      'raydeck.dev/owner': 'alice',
      'raydeck.dev/template': 'a100-1',
    });
    const worker = manifest.spec.workerGroupSpecs?.[0]?.template.spec;
    expect(worker?.containers[0]?.resources?.limits?.['nvidia.com/gpu']).toBe('1');
    expect(worker?.nodeSelector?.['nvidia.com/gpu.product']).toBe('NVIDIA-A100-SXM4-80GB');
    expect(worker?.tolerations).toHaveLength(1);
    await eventually(
      async () => (await clusterNames(alice)).includes('team-a/train'),
      'the cluster in the list',
    );
    const row = (await alice.listClusters({ q: 'train' })).items[0];
    expect(row).toMatchObject({
      name: 'train',
      namespace: 'team-a',
      origin: 'raydeck',
      owner: 'alice',
      template: 'a100-1',
      gpus: { count: 1 },
    });
  });

  it('previews the manifest Kubernetes would store, without creating it', async () => {
    const preview = await alice.previewCluster(request('preview-only'));
    expect(preview.yaml).toContain('kind: RayCluster');
    expect(preview.yaml).toContain('name: preview-only');
    expect(await clusterNames(alice)).not.toContain('team-a/preview-only');
  });

  it('answers bad input with 400 and field paths, and creates nothing', async () => {
    const before = await clusterNames(portal.admin);
    const tooLong = await apiFailure(alice.createCluster(request('x'.repeat(54))));
    expect(tooLong.status).toBe(400);
    expect(tooLong.fields.map((field) => field.path)).toContain('body.name');

    const bad = await apiFailure(
      alice.createCluster(
        request('bad-groups', 'team-a', {
          rayVersion: '1.0.0',
          workerGroups: [{ name: 'gpu', replicas: 9, minReplicas: 3, maxReplicas: 2 }],
          exposure: 'Ingress',
        }),
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.reason).toBe('ValidationFailed');
    expect(bad.fields.map((field) => field.path).sort()).toEqual(
      [
        'body.exposure',
        'body.ingressHost',
        'body.rayVersion',
        'body.workerGroups',
        'body.workerGroups[0].minReplicas',
        'body.workerGroups[0].replicas',
      ].sort(),
    );
    const unknownTemplate = await apiFailure(
      alice.createCluster(request('no-template', 'team-a', { template: 'nope' })),
    );
    expect(unknownTemplate.fields).toEqual([{ path: 'body.template', message: 'does not exist' }]);
    const missingVolume = await apiFailure(
      alice.createCluster(
        request('no-volume', 'team-a', { volumes: [{ claimName: 'ghost', mountPath: '/data' }] }),
      ),
    );
    expect(missingVolume.fields[0]?.path).toBe('body.volumes[0].claimName');
    expect(await clusterNames(portal.admin)).toEqual(before);
  });

  it('makes one cluster for a create retried with the same Idempotency-Key', async () => {
    const first = await alice.createCluster(request('once'), 'key-123');
    const retry = await alice.createCluster(request('once'), 'key-123');
    expect(retry).toEqual(first);
    const reused = await apiFailure(alice.createCluster(request('other-name'), 'key-123'));
    expect(reused.status).toBe(422);
    expect(reused.reason).toBe('IdempotencyKeyReused');
    await eventually(
      async () => (await clusterNames(alice)).includes('team-a/once'),
      'cluster listed',
    );
    expect((await clusterNames(alice)).filter((name) => name === 'team-a/once')).toHaveLength(1);
  });

  it('scales a worker group, suspends, resumes and deletes, and audits each change', async () => {
    await alice.createCluster(
      request('ops', 'team-a', {
        workerGroups: [{ name: 'gpu', replicas: 1, minReplicas: 0, maxReplicas: 3 }],
      }),
    );
    await eventually(
      async () => (await clusterNames(alice)).includes('team-a/ops'),
      'cluster listed',
    );
    await alice.scaleCluster('team-a', 'ops', { group: 'gpu', replicas: 3 });
    const outOfRange = await apiFailure(
      alice.scaleCluster('team-a', 'ops', { group: 'gpu', replicas: 5 }),
    );
    expect(outOfRange.fields).toEqual([
      { path: 'body.replicas', message: 'at most maxReplicas (3)' },
      {
        path: 'cluster.workerGroups',
        message: '5 workers in all; at most 4 workers (template a100-1)',
      },
    ]);
    const noGroup = await apiFailure(
      alice.scaleCluster('team-a', 'ops', { group: 'cpu', replicas: 1 }),
    );
    expect(noGroup.fields[0]?.path).toBe('body.group');
    await eventually(async () => {
      const detail = await alice.getCluster('team-a', 'ops');
      return detail.resource.spec.workerGroupSpecs?.[0]?.replicas === 3;
    }, 'replicas 3 in the cache');
    await alice.suspendCluster('team-a', 'ops');
    await eventually(
      async () =>
        ((await alice.getCluster('team-a', 'ops')).resource as { spec: { suspend?: boolean } }).spec
          .suspend === true,
      'suspended',
    );
    await alice.resumeCluster('team-a', 'ops');
    await alice.deleteCluster('team-a', 'ops');
    await eventually(async () => !(await clusterNames(alice)).includes('team-a/ops'), 'deleted');
    const audit = await portal.admin.queryAudit({ actor: 'alice', action: 'cluster.*' });
    const actions = audit.items
      .filter((entry) => entry.targetName === 'ops')
      .map((entry) => `${entry.action}:${entry.result}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'cluster.create:success',
        'cluster.scale:success',
        'cluster.scale:failure',
        'cluster.suspend:success',
        'cluster.resume:success',
        'cluster.delete:success',
      ]),
    );
  });

  it('shows RayClusters not created by Raydeck, marked external', async () => {
    await portal.sandbox.request('POST', '/apis/ray.io/v1/namespaces/team-a/rayclusters', {
      metadata: { name: 'hand-made' },
      spec: {
        headGroupSpec: {
          rayStartParams: {},
          template: {
            spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] },
          },
        },
      },
    });
    await eventually(
      async () => (await clusterNames(alice)).includes('team-a/hand-made'),
      'external cluster listed',
    );
    const row = (await alice.listClusters({ q: 'hand-made' })).items[0];
    expect(row?.origin).toBe('external');
  });
});

describe('authorization matrix', () => {
  beforeAll(async () => {
    await bob.createCluster(request('bobs', 'team-b', { template: 'cpu-small' }));
    await eventually(
      async () => (await clusterNames(bob)).includes('team-b/bobs'),
      'bob sees his cluster',
    );
  });

  it("hides team-b's clusters from a team-a member: lists, detail, stream", async () => {
    expect((await clusterNames(alice)).some((name) => name.startsWith('team-b/'))).toBe(false);
    expect((await apiFailure(alice.getCluster('team-b', 'bobs'))).status).toBe(404);
    expect((await alice.listClusters({ team: 'team-b' })).items).toEqual([]);
  });

  it("refuses every change to team-b's clusters from a team-a member", async () => {
    const calls: [string, () => Promise<unknown>][] = [
      [
        'create',
        () => alice.createCluster(request('intruder', 'team-b', { template: 'cpu-small' })),
      ],
      ['scale', () => alice.scaleCluster('team-b', 'bobs', { group: 'workers', replicas: 2 })],
      ['suspend', () => alice.suspendCluster('team-b', 'bobs')],
      ['resume', () => alice.resumeCluster('team-b', 'bobs')],
      ['delete', () => alice.deleteCluster('team-b', 'bobs')],
      [
        'dashboard',
        () =>
          alice.request('/api/v1/clusters/team-b/bobs/dashboard/api/jobs/', {
            method: 'POST',
            body: { entrypoint: 'echo hi' },
          }),
      ],
      ['availability', () => alice.templateAvailability('team-b')],
    ];
    for (const [what, call] of calls) {
      const error = await apiFailure(call());
      expect([403, 404], what).toContain(error.status);
    }
    expect(await clusterNames(bob)).toEqual(['team-b/bobs']);
  });

  it('lets a viewer read but not change', async () => {
    expect((await victor.listClusters()).items.every((item) => item.namespace === 'team-a')).toBe(
      true,
    );
    expect(
      (
        await apiFailure(
          victor.createCluster(request('viewer-made', 'team-a', { template: 'cpu-small' })),
        )
      ).status,
    ).toBe(403);
    expect((await apiFailure(victor.suspendCluster('team-a', 'train'))).status).toBe(403);
    expect((await apiFailure(victor.deleteCluster('team-a', 'train'))).status).toBe(403);
    expect(
      (await apiFailure(victor.createTemplate({ ...h100TemplateInput, name: 'by-viewer' }))).status,
    ).toBe(403);
  });

  it('lets only admins govern templates', async () => {
    expect(
      (await apiFailure(alice.createTemplate({ ...h100TemplateInput, name: 'by-member' }))).status,
    ).toBe(403);
    const created = await portal.admin.createTemplate({ ...h100TemplateInput, name: 'h100-2' });
    expect(created.version).toBe(1);
    const updated = await portal.admin.updateTemplate('h100-2', {
      ...h100TemplateInput,
      name: 'h100-2',
      maxWorkers: 8,
    });
    expect(updated.version).toBe(2);
    const invalid = await apiFailure(
      portal.admin.createTemplate({
        ...h100TemplateInput,
        name: 'bad-defaults',
        defaultWorkers: 9,
        maxWorkers: 2,
      }),
    );
    expect(invalid.fields[0]?.path).toBe('body.defaultWorkers');
    await portal.admin.retireTemplate('h100-2');
    await eventually(
      async () =>
        !(await alice.listTemplates()).items.some((template) => template.name === 'h100-2'),
      'retired template hidden',
    );
    const retiredUse = await apiFailure(
      alice.createCluster(request('on-retired', 'team-a', { template: 'h100-2' })),
    );
    expect(retiredUse.fields).toEqual([{ path: 'body.template', message: 'is retired' }]);
  });
});
