import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

const clusters = '/apis/ray.io/v1/namespaces/default/rayclusters';
type Json = Record<string, unknown> & { metadata: Record<string, unknown> };

function rayCluster(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, labels: { team: 'a' } },
    spec: {
      rayVersion: '2.52.0',
      headGroupSpec: {
        rayStartParams: {},
        template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } },
      },
      workerGroupSpecs: [
        {
          groupName: 'gpu',
          replicas: 1,
          minReplicas: 0,
          maxReplicas: 4,
          rayStartParams: {},
          template: {
            spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.52.0' }] },
          },
        },
      ],
      ...extra,
    },
  };
}

async function create(name: string, extra?: Record<string, unknown>): Promise<Json> {
  const response = await sandbox.request('POST', clusters, rayCluster(name, extra));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as Json;
}

async function listNames(path = clusters): Promise<string[]> {
  const response = await sandbox.request('GET', path);
  return (response.body as { items: Json[] }).items.map((item) => String(item.metadata['name']));
}

describe('object semantics over HTTP', () => {
  it('creates with uid, resourceVersion, generation, timestamp and schema defaults', async () => {
    const created = await create('meta');
    expect(created.metadata).toMatchObject({
      name: 'meta',
      namespace: 'default',
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resourceVersion: expect.stringMatching(/^\d+$/),
      generation: 1,
      creationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const fetched = (await sandbox.request('GET', `${clusters}/meta`)).body as Json;
    expect(fetched.metadata['uid']).toBe(created.metadata['uid']);
  });

  it('names objects from generateName', async () => {
    const body = rayCluster('');
    body.metadata = { generateName: 'gen-', labels: {} } as never;
    const response = await sandbox.request('POST', clusters, body);
    expect(response.status).toBe(201);
    expect((response.body as Json).metadata['name']).toMatch(
      /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
  });

  it('answers AlreadyExists and NotFound as Kubernetes does', async () => {
    await create('dup');
    const again = await sandbox.request('POST', clusters, rayCluster('dup'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      message: 'rayclusters.ray.io "dup" already exists',
      details: { name: 'dup', group: 'ray.io', kind: 'rayclusters' },
      code: 409,
    });
    const missing = await sandbox.request('GET', `${clusters}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound',
      message: 'rayclusters.ray.io "nope" not found',
    });
  });

  it('rejects a stale resourceVersion on update with 409 Conflict', async () => {
    const created = await create('stale');
    const first = await sandbox.request('PUT', `${clusters}/stale`, {
      ...created,
      metadata: { ...created.metadata, labels: { v: '1' } },
    });
    expect(first.status).toBe(200);
    const second = await sandbox.request('PUT', `${clusters}/stale`, {
      ...created,
      metadata: { ...created.metadata, labels: { v: '2' } },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on rayclusters.ray.io "stale": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('bumps generation on spec changes only, and splits spec from status', async () => {
    const created = await create('gen');
    const labelled = (
      await sandbox.request(
        'PATCH',
        `${clusters}/gen`,
        { metadata: { labels: { x: 'y' } } },
        {
          'content-type': 'application/merge-patch+json',
        },
      )
    ).body as Json;
    expect(labelled.metadata['generation']).toBe(1);
    expect(Number(labelled.metadata['resourceVersion'])).toBeGreaterThan(
      Number(created.metadata['resourceVersion']),
    );

    const statusWrite = await sandbox.request(
      'PATCH',
      `${clusters}/gen/status`,
      { status: { state: 'ready' }, spec: { suspend: true } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(statusWrite.status).toBe(200);
    const afterStatus = statusWrite.body as Json & {
      spec: { suspend?: boolean };
      status: { state: string };
    };
    expect(afterStatus.status.state).toBe('ready');
    expect(afterStatus.spec.suspend).toBeUndefined();
    expect(afterStatus.metadata['generation']).toBe(1);

    const specWrite = (
      await sandbox.request(
        'PATCH',
        `${clusters}/gen`,
        { spec: { suspend: true }, status: { state: 'x' } },
        {
          'content-type': 'application/merge-patch+json',
        },
      )
    ).body as Json & { spec: { suspend?: boolean }; status: { state: string } };
    expect(specWrite.metadata['generation']).toBe(2);
    expect(specWrite.spec.suspend).toBe(true);
    expect(specWrite.status.state).toBe('ready');
  });

  it('does not write when an update changes nothing', async () => {
    const created = await create('noop');
    const same = (await sandbox.request('PUT', `${clusters}/noop`, created)).body as Json;
    expect(same.metadata['resourceVersion']).toBe(created.metadata['resourceVersion']);
  });

  it('applies JSON patches and refuses strategic merge patches on custom resources', async () => {
    await create('jp');
    const patched = await sandbox.request(
      'PATCH',
      `${clusters}/jp`,
      [{ op: 'replace', path: '/spec/workerGroupSpecs/0/replicas', value: 3 }],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(patched.status).toBe(200);
    expect(
      (patched.body as { spec: { workerGroupSpecs: { replicas: number }[] } }).spec
        .workerGroupSpecs[0]?.replicas,
    ).toBe(3);
    const strategic = await sandbox.request(
      'PATCH',
      `${clusters}/jp`,
      { spec: {} },
      {
        'content-type': 'application/strategic-merge-patch+json',
      },
    );
    expect(strategic.status).toBe(415);
    expect(strategic.body).toMatchObject({ reason: 'UnsupportedMediaType' });
  });

  it('merges containers by name in a strategic merge patch of a Deployment', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments';
    const created = await sandbox.request('POST', path, {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.27' },
              { name: 'sidecar', image: 'busybox:1.36' },
            ],
          },
        },
      },
    });
    expect(created.status).toBe(201);
    const patched = await sandbox.request(
      'PATCH',
      `${path}/web`,
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    const containers = (
      patched.body as {
        spec: { template: { spec: { containers: { name: string; image: string }[] } } };
      }
    ).spec.template.spec.containers;
    expect(containers.map((container) => `${container.name}=${container.image}`)).toEqual([
      'web=nginx:1.28',
      'sidecar=busybox:1.36',
    ]);
  });

  it('validates against the CRD schema and names every bad field, storing nothing', async () => {
    const before = await listNames();
    const bad = rayCluster('bad-fields', { upgradeStrategy: { type: 'Sometimes' } });
    (bad.spec.workerGroupSpecs[0] as Record<string, unknown>)['replicas'] = 'three';
    const response = await sandbox.request('POST', clusters, bad);
    expect(response.status).toBe(422);
    const status = response.body as {
      reason: string;
      message: string;
      details: { causes: { field: string }[] };
    };
    expect(status.reason).toBe('Invalid');
    expect(status.message).toMatch(/^RayCluster\.ray\.io "bad-fields" is invalid: \[/);
    // Like Kubernetes, CEL rules are skipped on a structurally invalid object, with a `<nil>` cause.
    expect(status.details.causes.map((cause) => cause.field).sort()).toEqual([
      '<nil>',
      'spec.upgradeStrategy.type',
      'spec.workerGroupSpecs[0].replicas',
    ]);
    expect(await listNames()).toEqual(before);
  });

  it('rejects names KubeRay would reject', async () => {
    const response = await sandbox.request('POST', clusters, rayCluster('x'.repeat(54)));
    expect(response.status).toBe(422);
    expect(
      (response.body as { details: { causes: { field: string }[] } }).details.causes[0]?.field,
    ).toBe('metadata.name');
    const upper = await sandbox.request('POST', clusters, rayCluster('Bad_Name'));
    expect(upper.status).toBe(422);
  });

  it('answers malformed bodies and mismatched kinds with 400 BadRequest', async () => {
    const malformed = await sandbox.request('POST', clusters, '{"metadata": ', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      reason: 'BadRequest',
      message: expect.stringContaining('json parse error'),
    });
    const wrongVersion = await sandbox.request('POST', clusters, {
      ...rayCluster('wv'),
      apiVersion: 'ray.io/v2',
    });
    expect(wrongVersion.status).toBe(400);
    expect((wrongVersion.body as { message: string }).message).toBe(
      'the API version in the data (ray.io/v2) does not match the expected API version (ray.io/v1)',
    );
    const yaml = await sandbox.request('POST', clusters, 'metadata: [unclosed', {
      'content-type': 'application/yaml',
    });
    expect(yaml.status).toBe(400);
    expect(await listNames()).not.toContain('wv');
  });

  it('answers unknown kinds with 404', async () => {
    const response = await sandbox.request(
      'GET',
      '/apis/scheduling.volcano.sh/v1beta1/namespaces/default/queues',
    );
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('runs dryRun=All without storing', async () => {
    const response = await sandbox.request('POST', `${clusters}?dryRun=All`, rayCluster('dry'));
    expect(response.status).toBe(201);
    expect((await sandbox.request('GET', `${clusters}/dry`)).status).toBe(404);
  });

  it('drops, warns about or rejects unknown fields per fieldValidation', async () => {
    const withUnknown = rayCluster('unknown-ignore', { surprise: true });
    const ignored = await sandbox.request('POST', clusters, withUnknown);
    expect(ignored.status).toBe(201);
    expect((ignored.body as { spec: Record<string, unknown> }).spec['surprise']).toBeUndefined();

    const warned = await sandbox.request(
      'POST',
      `${clusters}?fieldValidation=Warn`,
      rayCluster('unknown-warn', { surprise: true }),
    );
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.surprise\\""');

    const strict = await sandbox.request(
      'POST',
      `${clusters}?fieldValidation=Strict`,
      rayCluster('unknown-strict', { surprise: true }),
    );
    expect(strict.status).toBe(400);
    expect((strict.body as { message: string }).message).toBe(
      'strict decoding error: unknown field "spec.surprise"',
    );
    expect((await sandbox.request('GET', `${clusters}/unknown-strict`)).status).toBe(404);
  });

  it('refuses content in a namespace that does not exist', async () => {
    const response = await sandbox.request(
      'POST',
      '/apis/ray.io/v1/namespaces/ghost/rayclusters',
      rayCluster('ghost'),
    );
    expect(response.status).toBe(404);
    expect((response.body as { message: string }).message).toBe('namespaces "ghost" not found');
  });
});

describe('lists', () => {
  beforeAll(async () => {
    const namespace = await sandbox.request('POST', '/api/v1/namespaces', {
      metadata: { name: 'lists' },
    });
    expect(namespace.status).toBe(201);
    const pods = [
      { name: 'p1', labels: { app: 'ray', tier: 'head' }, node: 'gpu-1', phase: 'Running' },
      { name: 'p2', labels: { app: 'ray', tier: 'worker' }, node: 'gpu-1', phase: 'Pending' },
      { name: 'p3', labels: { app: 'web' }, node: 'cpu-1', phase: 'Running' },
      { name: 'p4', labels: { app: 'ray' }, node: '', phase: 'Pending' },
    ];
    for (const pod of pods) {
      const created = await sandbox.request('POST', '/api/v1/namespaces/lists/pods', {
        metadata: { name: pod.name, labels: pod.labels },
        spec: {
          ...(pod.node ? { nodeName: pod.node } : {}),
          containers: [{ name: 'c', image: 'busybox:1.36' }],
        },
      });
      expect(created.status).toBe(201);
      const status = await sandbox.request(
        'PATCH',
        `/api/v1/namespaces/lists/pods/${pod.name}/status`,
        { status: { phase: pod.phase } },
        {
          'content-type': 'application/merge-patch+json',
        },
      );
      expect(status.status).toBe(200);
    }
  });

  const names = (query: string) => listNames(`/api/v1/namespaces/lists/pods?${query}`);

  it('filters by label selector', async () => {
    expect(await names('labelSelector=app%3Dray')).toEqual(['p1', 'p2', 'p4']);
    expect(
      await names(`labelSelector=${encodeURIComponent('app=ray,tier in (head,worker)')}`),
    ).toEqual(['p1', 'p2']);
    expect(await names(`labelSelector=${encodeURIComponent('tier!=head')}`)).toEqual([
      'p2',
      'p3',
      'p4',
    ]);
    expect(await names(`labelSelector=${encodeURIComponent('!tier')}`)).toEqual(['p3', 'p4']);
    expect(await names(`labelSelector=${encodeURIComponent('tier notin (head)')}`)).toEqual([
      'p2',
      'p3',
      'p4',
    ]);
  });

  it('filters by field selector', async () => {
    expect(await names(`fieldSelector=${encodeURIComponent('spec.nodeName=gpu-1')}`)).toEqual([
      'p1',
      'p2',
    ]);
    expect(
      await names(`fieldSelector=${encodeURIComponent('status.phase=Pending,spec.nodeName=')}`),
    ).toEqual(['p4']);
    expect(await names(`fieldSelector=${encodeURIComponent('metadata.name!=p1')}`)).toEqual([
      'p2',
      'p3',
      'p4',
    ]);
    const unsupported = await sandbox.request(
      'GET',
      `/api/v1/namespaces/lists/pods?fieldSelector=${encodeURIComponent('spec.hostname=x')}`,
    );
    expect(unsupported.status).toBe(400);
    expect((unsupported.body as { message: string }).message).toBe(
      'field label not supported: spec.hostname',
    );
  });

  it('pages with limit and continue', async () => {
    const first = (await sandbox.request('GET', '/api/v1/namespaces/lists/pods?limit=3')).body as {
      items: Json[];
      metadata: { continue: string; remainingItemCount: number };
    };
    expect(first.items.map((item) => item.metadata['name'])).toEqual(['p1', 'p2', 'p3']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = (
      await sandbox.request(
        'GET',
        `/api/v1/namespaces/lists/pods?limit=3&continue=${first.metadata.continue}`,
      )
    ).body as {
      items: Json[];
      metadata: { continue?: string };
    };
    expect(second.items.map((item) => item.metadata['name'])).toEqual(['p4']);
    expect(second.metadata.continue).toBeUndefined();
  });

  it('lists across namespaces', async () => {
    const all = await listNames('/api/v1/pods');
    expect(all).toEqual(expect.arrayContaining(['p1', 'p2', 'p3', 'p4']));
  });
});
