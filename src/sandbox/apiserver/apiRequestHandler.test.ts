import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { createSandboxApiServer } from './createSandboxApiServer.ts';
import { loadSnapshot, saveSnapshot } from './stateSnapshot.ts';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Parameters<typeof startTestSandbox>[0] = {}): Promise<TestSandbox> {
  sandbox = await startTestSandbox(options);
  return sandbox;
}

describe('discovery', () => {
  it('serves legacy discovery for the core group and every named group', async () => {
    const server = await start();
    expect((await server.request('GET', '/api')).body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const groups = (await server.request('GET', '/apis')).body as {
      groups: { name: string; preferredVersion: { groupVersion: string } }[];
    };
    expect(groups.groups.map((group) => group.name)).toEqual(
      expect.arrayContaining([
        'events.k8s.io',
        'batch',
        'apps',
        'networking.k8s.io',
        'coordination.k8s.io',
        'rbac.authorization.k8s.io',
        'authorization.k8s.io',
        'apiextensions.k8s.io',
        'ray.io',
      ]),
    );
    const core = (await server.request('GET', '/api/v1')).body as {
      resources: { name: string; verbs: string[]; shortNames?: string[] }[];
    };
    const byName = new Map(core.resources.map((resource) => [resource.name, resource]));
    expect(byName.get('pods')?.shortNames).toEqual(['po']);
    expect(byName.get('pods/log')?.verbs).toEqual(['get']);
    expect(byName.get('pods/status')?.verbs).toEqual(['get', 'patch', 'update']);
    const ray = (await server.request('GET', '/apis/ray.io/v1')).body as {
      resources: { name: string; kind: string; namespaced: boolean; categories?: string[] }[];
    };
    expect(
      ray.resources
        .filter((resource) => !resource.name.includes('/'))
        .map((resource) => resource.kind)
        .sort(),
    ).toEqual(['RayCluster', 'RayCronJob', 'RayJob', 'RayService']);
    expect(ray.resources.find((resource) => resource.name === 'rayclusters/status')).toBeDefined();
    expect((await server.request('GET', '/version')).body).toMatchObject({
      major: '1',
      minor: '35',
    });
  });

  it('serves a CRD created at run time, with Established, and stops when it is deleted', async () => {
    const server = await start();
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer', minimum: 1, default: 1 },
                      anything: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                  },
                  status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                },
              },
            },
          },
        ],
      },
    };
    expect(
      (await server.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd))
        .status,
    ).toBe(201);
    const widgets = '/apis/example.com/v1/namespaces/default/widgets';
    const created = await server.request('POST', widgets, {
      metadata: { name: 'w' },
      spec: { anything: { free: { form: 1 } }, extra: 1 },
    });
    expect(created.status).toBe(201);
    expect((created.body as { spec: unknown }).spec).toEqual({
      size: 1,
      anything: { free: { form: 1 } },
    });
    const invalid = await server.request('POST', widgets, {
      metadata: { name: 'zero' },
      spec: { size: 0 },
    });
    expect(invalid.status).toBe(422);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const stored = (
      await server.request(
        'GET',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
      )
    ).body as {
      status: { conditions: { type: string; status: string }[] };
    };
    expect(
      stored.status.conditions.find((condition) => condition.type === 'Established')?.status,
    ).toBe('True');

    await server.request(
      'DELETE',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
    );
    expect((await server.request('GET', widgets)).status).toBe(404);
  });
});

describe('service proxy', () => {
  it('answers 503 until a handler and a ready endpoint exist, then proxies', async () => {
    const server = await start();
    await server.request('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'head-svc' },
      spec: { clusterIP: 'None', ports: [{ name: 'dashboard', port: 8265 }] },
    });
    const path = '/api/v1/namespaces/default/services/head-svc:dashboard/proxy/api/version?x=1';
    const before = await server.request('GET', path);
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({
      reason: 'ServiceUnavailable',
      message: 'no endpoints available for service "head-svc"',
    });

    server.apiServer.proxies.register(
      { namespace: 'default', service: 'head-svc', port: 'dashboard' },
      (_request, response, subpath) => {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ subpath }));
      },
    );
    expect((await server.request('GET', path)).status).toBe(503);
    await server.request('POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'head-svc' },
      subsets: [{ addresses: [{ ip: '10.1.0.5' }], ports: [{ name: 'dashboard', port: 8265 }] }],
    });
    const after = await server.request(
      'GET',
      '/api/v1/namespaces/default/services/head-svc:8265/proxy/api/version?x=1',
    );
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ subpath: '/api/version?x=1' });
  });
});

describe('authentication and authorization', () => {
  it('answers 401 without the configured bearer token', async () => {
    const server = await start({ token: 'secret-token' });
    expect((await server.request('GET', '/api/v1/namespaces')).status).toBe(200);
    const response = await fetch(`${server.url}/api/v1/namespaces`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
    const wrong = await fetch(`${server.url}/api/v1/namespaces`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  const reviewOf = (namespace: string, verb: string) => ({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace, verb, group: 'ray.io', resource: 'rayclusters' } },
  });

  it('allows every access review by default', async () => {
    const server = await start();
    const review = await server.request(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      reviewOf('team-a', 'delete'),
      {
        'impersonate-user': 'alice',
      },
    );
    expect(review.status).toBe(201);
    expect((review.body as { status: { allowed: boolean } }).status.allowed).toBe(true);
  });

  it('evaluates access reviews against stored RBAC with --rbac', async () => {
    const server = await start({ rbac: true });
    await server.request('POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
    await server.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'ray-editor' },
      rules: [
        { apiGroups: ['ray.io'], resources: ['rayclusters'], verbs: ['get', 'list', 'create'] },
      ],
    });
    await server.request(
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings',
      {
        metadata: { name: 'alice-edits' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ray-editor' },
        subjects: [{ kind: 'User', name: 'alice' }],
      },
    );
    const ask = async (namespace: string, verb: string, user = 'alice') =>
      (
        (
          await server.request(
            'POST',
            '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
            reviewOf(namespace, verb),
            { 'impersonate-user': user },
          )
        ).body as {
          status: { allowed: boolean };
        }
      ).status.allowed;
    expect(await ask('team-a', 'create')).toBe(true);
    expect(await ask('team-a', 'delete')).toBe(false);
    expect(await ask('team-b', 'create')).toBe(false);
    expect(await ask('team-a', 'create', 'bob')).toBe(false);

    const subjectReview = await server.request(
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {
        spec: {
          user: 'bob',
          groups: ['system:masters'],
          resourceAttributes: {
            namespace: 'team-b',
            verb: 'delete',
            group: 'ray.io',
            resource: 'rayclusters',
          },
        },
      },
    );
    expect((subjectReview.body as { status: { allowed: boolean } }).status.allowed).toBe(true);
  });
});

describe('state snapshots', () => {
  it('restores objects with their uids and continues resourceVersions after them', async () => {
    const first = createSandboxApiServer();
    const configMaps = first.registry.lookup('', 'v1', 'configmaps');
    if (!configMaps) throw new Error('configmaps not served');
    const created = first.api.create(configMaps, 'default', {
      metadata: { name: 'kept' },
      data: { a: '1' },
    }).object;
    const file = join(mkdtempSync(join(tmpdir(), 'raydeck-snapshot-')), 'state.json');
    saveSnapshot(first.store, file);

    const restored = createSandboxApiServer({ store: loadSnapshot(file) });
    const kept = restored.api.get(configMaps, 'default', 'kept');
    expect(kept.metadata?.uid).toBe(created.metadata?.uid);
    expect(kept['data']).toEqual({ a: '1' });
    const next = restored.api.create(configMaps, 'default', { metadata: { name: 'new' } }).object;
    expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(restored.registry.lookup('ray.io', 'v1', 'rayclusters')).toBeDefined();
  });
});
