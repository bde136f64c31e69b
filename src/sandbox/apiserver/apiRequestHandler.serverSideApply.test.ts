import { afterEach, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** A sandbox whose clock stands still, so managedFields times are known. */
async function start(): Promise<TestSandbox> {
  sandbox = await startTestSandbox({ now: () => new Date('2026-01-02T03:04:05.678Z') });
  return sandbox;
}

const applyHeaders = { 'content-type': 'application/apply-patch+yaml' };
const clusterPath = '/apis/ray.io/v1/namespaces/default/rayclusters';

function rayCluster(name: string, spec: Record<string, unknown> = {}): object {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, labels: { team: 'a' } },
    spec: {
      rayVersion: '2.52.0',
      headGroupSpec: {
        rayStartParams: {},
        template: {
          spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] },
        },
      },
      ...spec,
    },
  };
}

interface Stored {
  metadata: {
    resourceVersion: string;
    labels?: Record<string, string>;
    managedFields?: {
      manager: string;
      operation: string;
      apiVersion: string;
      time?: string;
      fieldsType: string;
      fieldsV1: Record<string, unknown>;
      subresource?: string;
    }[];
  };
  spec: Record<string, unknown>;
}

describe('server-side apply over HTTP', () => {
  it('requires a field manager, with Kubernetes’ 422', async () => {
    const server = await start();
    const response = await server.request(
      'PATCH',
      `${clusterPath}/c1`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    });
    const forced = await server.request(
      'PATCH',
      `${clusterPath}/c1?force=true`,
      { metadata: { labels: { a: 'b' } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(forced.status).toBe(422);
    expect((forced.body as { message: string }).message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });

  it('creates on apply, records the applier, and a second identical apply changes nothing', async () => {
    const server = await start();
    const created = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=kubectl&force=false`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect(created.status).toBe(201);
    const object = created.body as Stored;
    expect(object.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'ray.io/v1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:team': {} } },
          'f:spec': {
            'f:headGroupSpec': {
              'f:rayStartParams': {},
              'f:template': {
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"ray-head"}': { '.': {}, 'f:image': {}, 'f:name': {} },
                  },
                },
              },
            },
            'f:rayVersion': {},
          },
        },
      },
    ]);
    const again = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=kubectl`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect(again.status).toBe(200);
    expect((again.body as Stored).metadata.resourceVersion).toBe(object.metadata.resourceVersion);
  });

  it('reports a conflict with another manager as 409, and force takes the field over', async () => {
    const server = await start();
    await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=alice`,
      rayCluster('c1'),
      applyHeaders,
    );
    const conflicting = rayCluster('c1', { rayVersion: '2.53.0' });
    const refused = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=bob`,
      conflicting,
      applyHeaders,
    );
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.rayVersion',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "alice"',
            field: '.spec.rayVersion',
          },
        ],
      },
    });
    const forced = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=bob&force=true`,
      conflicting,
      applyHeaders,
    );
    expect(forced.status).toBe(200);
    const object = forced.body as Stored;
    expect(object.spec['rayVersion']).toBe('2.53.0');
    const alice = object.metadata.managedFields?.find((entry) => entry.manager === 'alice');
    expect(alice?.fieldsV1['f:spec']).not.toHaveProperty('f:rayVersion');
    const bob = object.metadata.managedFields?.find((entry) => entry.manager === 'bob');
    expect(bob?.fieldsV1['f:spec']).toHaveProperty('f:rayVersion');
  });

  it('removes a field its only applier stops applying, and keeps one another manager shares', async () => {
    const server = await start();
    const withSuspend = rayCluster('c1', { suspend: true });
    await server.request('PATCH', `${clusterPath}/c1?fieldManager=a`, withSuspend, applyHeaders);
    const dropped = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=a`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect((dropped.body as Stored).spec).not.toHaveProperty('suspend');

    await server.request('PATCH', `${clusterPath}/c1?fieldManager=a`, withSuspend, applyHeaders);
    await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=b`,
      {
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: { name: 'c1' },
        spec: { suspend: true },
      },
      applyHeaders,
    );
    const shared = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=a`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect((shared.body as Stored).spec['suspend']).toBe(true);
  });

  it('records updates under the User-Agent’s manager, which an applier then conflicts with', async () => {
    const server = await start();
    await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=kubectl`,
      rayCluster('c1'),
      applyHeaders,
    );
    const patched = await server.request(
      'PATCH',
      `${clusterPath}/c1`,
      { spec: { rayVersion: '2.53.0' } },
      {
        'content-type': 'application/merge-patch+json',
        'user-agent': 'kubectl-edit/v1.35.0 (linux/amd64) kubernetes/abcdef',
      },
    );
    const entries = (patched.body as Stored).metadata.managedFields ?? [];
    expect(entries.map((entry) => [entry.manager, entry.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-edit', 'Update'],
    ]);
    expect(entries[1]?.fieldsV1).toEqual({ 'f:spec': { 'f:rayVersion': {} } });
    const refused = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=kubectl`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect(refused.status).toBe(409);
    expect((refused.body as { message: string }).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using ray.io/v1: .spec.rayVersion',
    );
  });

  it('records a create under the User-Agent, and an update with managedFields [{}] clears them', async () => {
    const server = await start();
    const created = await server.request(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } },
      { 'user-agent': 'raydeck-tests/1.0 (linux)' },
    );
    const object = created.body as Stored & { data: Record<string, string> };
    expect(object.metadata.managedFields).toEqual([
      {
        manager: 'raydeck-tests',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
      },
    ]);
    const cleared = await server.request(
      'PUT',
      '/api/v1/namespaces/default/configmaps/cm?fieldManager=cleaner',
      { ...object, metadata: { ...object.metadata, managedFields: [{}] }, data: { a: '2' } },
    );
    expect(cleared.status).toBe(200);
    expect((cleared.body as Stored).metadata.managedFields).toBeUndefined();
  });

  it('merges list-map items by key: two appliers each own their container', async () => {
    const server = await start();
    await server.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/p?fieldManager=a',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'one', image: 'busybox' }] },
      },
      applyHeaders,
    );
    const both = await server.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/p?fieldManager=b',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'two', image: 'nginx' }] },
      },
      applyHeaders,
    );
    const pod = both.body as { spec: { containers: { name: string }[] } };
    expect(pod.spec.containers.map((container) => container.name)).toEqual(['one', 'two']);
  });

  it('applies status through /status only, recorded with its subresource', async () => {
    const server = await start();
    await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=kubectl`,
      { ...rayCluster('c1'), status: { state: 'ready' } },
      applyHeaders,
    );
    const status = await server.request(
      'PATCH',
      `${clusterPath}/c1/status?fieldManager=operator`,
      {
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: { name: 'c1' },
        spec: { rayVersion: '9.9.9' },
        status: { state: 'ready' },
      },
      applyHeaders,
    );
    expect(status.status).toBe(200);
    const object = status.body as Stored & { status: { state: string } };
    expect(object.status.state).toBe('ready');
    expect(object.spec['rayVersion']).toBe('2.52.0');
    const entries = object.metadata.managedFields ?? [];
    expect(entries.find((entry) => entry.manager === 'kubectl')?.fieldsV1).not.toHaveProperty(
      'f:status',
    );
    expect(entries.find((entry) => entry.manager === 'operator')).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:state': {} } },
    });
  });

  it('dry-runs an apply without storing it (kubectl diff --server-side)', async () => {
    const server = await start();
    const dry = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=kubectl&dryRun=All&force=true`,
      rayCluster('c1'),
      applyHeaders,
    );
    expect(dry.status).toBe(201);
    expect((dry.body as Stored).metadata.managedFields?.[0]?.manager).toBe('kubectl');
    expect((await server.request('GET', `${clusterPath}/c1`)).status).toBe(404);
  });

  it('answers 400 for an apply of another version or with managedFields', async () => {
    const server = await start();
    const wrongVersion = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=a`,
      { ...rayCluster('c1'), apiVersion: 'ray.io/v1alpha1' },
      applyHeaders,
    );
    expect(wrongVersion.status).toBe(400);
    expect((wrongVersion.body as { message: string }).message).toBe(
      'Incorrect version specified in apply patch. Specified patch version: ray.io/v1alpha1, expected: ray.io/v1',
    );
    const withManaged = await server.request(
      'PATCH',
      `${clusterPath}/c1?fieldManager=a`,
      { ...rayCluster('c1'), metadata: { name: 'c1', managedFields: [] } },
      applyHeaders,
    );
    expect(withManaged.status).toBe(400);
    expect((withManaged.body as { message: string }).message).toBe(
      'metadata.managedFields must be nil',
    );
  });

  it('reads a YAML apply body', async () => {
    const server = await start();
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  key: value\n';
    const response = await server.request(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/cm?fieldManager=me',
      yaml,
      applyHeaders,
    );
    expect(response.status).toBe(201);
    expect((response.body as { data: Record<string, string> }).data).toEqual({ key: 'value' });
  });
});
