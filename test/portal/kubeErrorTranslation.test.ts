import { KubeConfig } from '@kubernetes/client-node';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiErrorHandler } from '../../src/server/apiErrorHandler.ts';
import { KubeApiError } from '../../src/server/k8s/k8sErrors.ts';
import { KubeClient } from '../../src/server/k8s/KubeClient.ts';
import type { ApiErrorBody } from '../../src/shared/api/apiErrorBody.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

let sandbox: TestSandbox;
let client: KubeClient;
let app: FastifyInstance;

function kubeConfigFor(server: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return config;
}

/**
 * Routes that let the adapter's error escape untouched (no service translates it), so what the
 * API answers is decided by the adapter and the one error handler alone.
 */
function errorApp(kube: KubeClient): FastifyInstance {
  const server = Fastify();
  server.setErrorHandler(apiErrorHandler);
  server.post<{ Params: { namespace: string; name: string } }>(
    '/configmaps/:namespace/:name',
    async (request) =>
      kube.createConfigMap(request.params.namespace, {
        metadata: { name: request.params.name },
        data: {},
      }),
  );
  server.put<{ Params: { namespace: string; name: string }; Body: { resourceVersion: string } }>(
    '/configmaps/:namespace/:name',
    async (request) =>
      kube.replaceConfigMap(request.params.namespace, request.params.name, {
        metadata: { name: request.params.name, resourceVersion: request.body.resourceVersion },
        data: { changed: 'yes' },
      }),
  );
  server.get<{ Params: { namespace: string; name: string } }>(
    '/claims/:namespace/:name',
    async (request) => ({
      exists: await kube.hasPersistentVolumeClaim(request.params.namespace, request.params.name),
    }),
  );
  return server;
}

async function call(
  target: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
) {
  const response = await target.inject({ method, url, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json<ApiErrorBody>() };
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  client = new KubeClient(kubeConfigFor(sandbox.url));
  app = errorApp(client);
  await client.ensureNamespace('team-a');
  // A namespace held in Terminating by a finalizer refuses new content with a real 403.
  await client.ensureNamespace('closing');
  await sandbox.request('POST', '/api/v1/namespaces/closing/configmaps', {
    metadata: { name: 'held', finalizers: ['example.com/hold'] },
  });
  await sandbox.request('DELETE', '/api/v1/namespaces/closing');
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

describe('Kubernetes errors keep their status and message through the API', () => {
  it('the adapter throws KubeApiError with the Status reason, never client-node types', async () => {
    await client.createConfigMap('team-a', { metadata: { name: 'twice' }, data: {} });
    const error = await client
      .createConfigMap('team-a', { metadata: { name: 'twice' }, data: {} })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 409, reason: 'AlreadyExists' });
  });

  it('403 Forbidden from the cluster is a 403 with its message, not "Internal server error"', async () => {
    const { status, body } = await call(app, 'POST', '/configmaps/closing/late');
    expect(status).toBe(403);
    expect(body.error).toMatchObject({
      status: 403,
      reason: 'Forbidden',
      message:
        'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
    });
  });

  it('409 AlreadyExists and 409 Conflict from the cluster are 409s with their messages', async () => {
    const created = await call(app, 'POST', '/configmaps/team-a/taken');
    expect(created.status).toBe(200);
    const again = await call(app, 'POST', '/configmaps/team-a/taken');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      reason: 'AlreadyExists',
      message: 'configmaps "taken" already exists',
    });

    const stale = await call(app, 'PUT', '/configmaps/team-a/taken', { resourceVersion: '1' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.reason).toBe('Conflict');
    expect(stale.body.error.message).toContain('the object has been modified');
  });

  it('404 is an answer where the adapter expects it (a missing claim), not an error', async () => {
    const response = await app.inject({ method: 'GET', url: '/claims/team-a/missing' });
    expect(response.json()).toEqual({ exists: false });
  });

  it('an unreachable cluster is 503 ClusterUnavailable', async () => {
    const gone = await startTestSandbox();
    await gone.close();
    const offline = errorApp(new KubeClient(kubeConfigFor(gone.url)));
    try {
      const { status, body } = await call(offline, 'GET', '/claims/team-a/data');
      expect(status).toBe(503);
      expect(body.error).toMatchObject({ reason: 'ClusterUnavailable' });
      expect(body.error.message).toContain('unreachable (ECONNREFUSED)');
    } finally {
      await offline.close();
    }
  });
});
