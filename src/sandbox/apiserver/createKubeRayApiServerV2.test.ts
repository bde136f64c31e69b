import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  computeTemplateOfConfigMap,
  createKubeRayApiServerV2,
  type KubeRayApiServerV2,
  routeOf,
} from './createKubeRayApiServerV2.ts';
import { createSandboxApiServer, type SandboxApiServer } from './createSandboxApiServer.ts';

let sandbox: SandboxApiServer;
let front: KubeRayApiServerV2;
let sandboxUrl: string;
let frontUrl: string;

async function call(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

beforeAll(async () => {
  sandbox = createSandboxApiServer();
  sandboxUrl = await sandbox.listen('127.0.0.1', 0);
  front = createKubeRayApiServerV2({ upstream: sandboxUrl });
  frontUrl = await front.listen('127.0.0.1', 0);
  await call(sandboxUrl, 'POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
  await call(sandboxUrl, 'POST', '/api/v1/namespaces', { metadata: { name: 'raydeck' } });
});
afterAll(async () => {
  await front?.close();
  await sandbox?.close();
});

describe('routeOf: the KubeRay APIServer v2 path filter', () => {
  it('forwards ray.io with any method, namespaced ray events on GET, and the service proxy', () => {
    expect(routeOf('DELETE', '/apis/ray.io/v1/namespaces/a/rayclusters/c').kind).toBe('forward');
    expect(routeOf('GET', '/apis/ray.io/v1/rayclusters').kind).toBe('forward');
    expect(routeOf('GET', '/apis/events.k8s.io/v1/namespaces/a/events').kind).toBe('ray-events');
    expect(routeOf('POST', '/apis/events.k8s.io/v1/namespaces/a/events').kind).toBe('not-found');
    expect(routeOf('GET', '/apis/events.k8s.io/v1/events').kind).toBe('not-found');
    expect(
      routeOf('POST', '/api/v1/namespaces/a/services/c-head-svc:8265/proxy/api/jobs/'),
    ).toEqual({ kind: 'service-proxy', namespace: 'a', service: 'c-head-svc:8265' });
    expect(routeOf('GET', '/api/v1/namespaces/a/services/c-head-svc/proxy').kind).toBe(
      'service-proxy',
    );
  });

  it('sends everything else to the v1 API: compute-template reads, /healthz, else 404', () => {
    expect(routeOf('GET', '/apis/v1/namespaces/raydeck/compute_templates/x')).toEqual({
      kind: 'compute-templates',
      namespace: 'raydeck',
      name: 'x',
    });
    expect(routeOf('GET', '/apis/v1/compute_templates').kind).toBe('compute-templates');
    expect(routeOf('GET', '/healthz').kind).toBe('healthz');
    for (const path of ['/api/v1/pods', '/api/v1/nodes', '/api', '/apis', '/version']) {
      expect(routeOf('GET', path).kind, path).toBe('not-found');
    }
  });
});

describe('createKubeRayApiServerV2 in front of the sandbox', () => {
  it('answers paths it does not forward 404 as grpc-gateway does', async () => {
    for (const path of ['/api/v1/pods', '/api/v1/namespaces/team-a/configmaps', '/version']) {
      const answer = await call(frontUrl, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.json, path).toEqual({ code: 5, message: 'Not Found', details: [] });
    }
    expect((await call(frontUrl, 'GET', '/healthz')).status).toBe(200);
  });

  it('forwards ray.io objects', async () => {
    const list = await call(frontUrl, 'GET', '/apis/ray.io/v1/namespaces/team-a/rayclusters');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ kind: 'RayClusterList', items: [] });
  });

  it('lists only events about ray.io objects, and keeps the caller’s selector', async () => {
    const event = (name: string, apiVersion: string, kind: string) => ({
      metadata: { name },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'test',
      reportingInstance: 'test',
      action: 'Test',
      reason: 'Test',
      type: 'Normal',
      regarding: { apiVersion, kind, name: 'c', namespace: 'team-a' },
    });
    for (const body of [
      event('about-pod', 'v1', 'Pod'),
      event('about-cluster', 'ray.io/v1', 'RayCluster'),
    ]) {
      const created = await call(
        sandboxUrl,
        'POST',
        '/apis/events.k8s.io/v1/namespaces/team-a/events',
        body,
      );
      expect(created.status).toBe(201);
    }
    const listed = await call(
      frontUrl,
      'GET',
      '/apis/events.k8s.io/v1/namespaces/team-a/events?fieldSelector=regarding.name%3Dc',
    );
    expect(listed.status).toBe(200);
    const names = (listed.json as { items: { metadata: { name: string } }[] }).items.map(
      (item) => item.metadata.name,
    );
    expect(names).toEqual(['about-cluster']);
  });

  it('proxies only Services labelled app.kubernetes.io/name=kuberay', async () => {
    await call(sandboxUrl, 'POST', '/api/v1/namespaces/team-a/services', {
      metadata: { name: 'plain' },
      spec: { ports: [{ port: 80 }] },
    });
    const refused = await call(
      frontUrl,
      'GET',
      '/api/v1/namespaces/team-a/services/plain:80/proxy/',
    );
    expect(refused.status).toBe(404);
    expect(refused.text).toBe('kuberay service not found\n');
    const bad = await call(frontUrl, 'GET', '/api/v1/namespaces/team-a/services/a:b:c:d/proxy');
    expect(bad.status).toBe(400);
  });

  it('reads compute templates of the v1 API from their ConfigMaps', async () => {
    await call(sandboxUrl, 'POST', '/api/v1/namespaces/raydeck/configmaps', {
      metadata: {
        name: 'gpu-1',
        labels: { 'ray.io/config-type': 'compute-template', 'ray.io/compute-template': 'gpu-1' },
      },
      data: {
        name: 'gpu-1',
        namespace: 'raydeck',
        cpu: '8',
        memory: '32',
        memory_unit: 'Gi',
        gpu: '1',
        gpu_accelerator: 'nvidia.com/gpu',
        extended_resources: '{}',
        raydeck_max_workers: '2',
      },
    });
    const listed = await call(frontUrl, 'GET', '/apis/v1/namespaces/raydeck/compute_templates');
    expect(listed.json).toEqual({
      computeTemplates: [
        {
          name: 'gpu-1',
          namespace: 'raydeck',
          cpu: 8,
          memory: 32,
          memoryUnit: 'Gi',
          gpu: 1,
          gpuAccelerator: 'nvidia.com/gpu',
        },
      ],
    });
    const one = await call(frontUrl, 'GET', '/apis/v1/namespaces/raydeck/compute_templates/nope');
    expect(one.status).toBe(404);
  });

  it('converts a ConfigMap as the v1 API does: unparsable numbers are left out', () => {
    expect(
      computeTemplateOfConfigMap({
        metadata: { name: 't', namespace: 'n' },
        data: { cpu: 'x', memory: '4', tolerations: '[{"key":"k"}]' },
      }),
    ).toEqual({ name: 't', namespace: 'n', memory: 4, tolerations: [{ key: 'k' }] });
  });
});

describe('createKubeRayApiServerV2 behind the Helm chart’s security proxy', () => {
  let guarded: KubeRayApiServerV2;
  let guardedUrl: string;
  beforeAll(async () => {
    guarded = createKubeRayApiServerV2({ upstream: sandboxUrl, securityToken: 's3cret' });
    guardedUrl = await guarded.listen('127.0.0.1', 0);
  });
  afterAll(() => guarded?.close());

  const get = (authorization?: string) =>
    fetch(`${guardedUrl}/apis/ray.io/v1/namespaces/team-a/rayclusters`, {
      ...(authorization === undefined ? {} : { headers: { authorization } }),
    });

  it('answers 401 in plain text without the token, or with it behind a Bearer scheme', async () => {
    for (const authorization of [undefined, 'Bearer s3cret', 's3cret2', 'S3CRET']) {
      const response = await get(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.text()).toBe('Unauthorized\n');
    }
  });

  it('forwards a request whose Authorization header is exactly the token', async () => {
    const response = await get('s3cret');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: 'RayClusterList' });
  });
});
