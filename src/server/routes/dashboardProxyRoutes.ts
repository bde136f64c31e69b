import type { FastifyPluginAsync } from 'fastify';

import { auditFromRequest } from '../audit/auditFromRequest.ts';
import { authorize } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { ServiceProxy } from '../k8s/serviceProxyRequest.ts';
import { sendApiError } from '../sendApiError.ts';

/**
 * Request headers never forwarded to a Ray dashboard: the portal's own credentials, and the
 * browser's fetch-metadata headers and user agent, on which Ray refuses POST and PUT as browser
 * requests (the portal has authenticated and CSRF-checked the caller already).
 */
const strippedHeaders = new Set([
  'cookie',
  'authorization',
  'x-csrf-token',
  'host',
  'connection',
  'content-length',
  'origin',
  'referer',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
  'sec-fetch-user',
  'user-agent',
]);

/**
 * `/api/v1/clusters/{team}/{name}/dashboard/*`: the identity-aware proxy to a cluster's Ray
 * dashboard and Jobs API, through the Kubernetes service proxy (`<name>-head-svc:dashboard`).
 * Reading needs read access to the team; anything else (submitting or stopping a job) needs write
 * access and is audited. The caller's identity travels as `X-Raydeck-User`.
 */
export const dashboardProxyRoutes: FastifyPluginAsync<{
  proxy: ServiceProxy;
  cache: KubeCache;
}> = async (app, { proxy, cache }) => {
  // The dashboard's own API bodies are passed through untouched, whatever their type (this
  // plugin's context only: other routes keep Fastify's JSON parsing).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.all('/api/v1/clusters/:team/:name/dashboard/*', async (request, reply) => {
    const { team, name } = request.params as { team: string; name: string; '*': string };
    const rest = (request.params as Record<string, string>)['*'] ?? '';
    const mutating = request.method !== 'GET' && request.method !== 'HEAD';
    if (!cache.get('RayCluster', team, name) || !authorize(request.user, 'read', team)) {
      return sendApiError(reply, {
        status: 404,
        reason: 'NotFound',
        message: `cluster "${team}/${name}" not found`,
      });
    }
    if (mutating && !authorize(request.user, 'write', team)) {
      return sendApiError(reply, {
        status: 403,
        reason: 'Forbidden',
        message: `you may not change jobs in team "${team}"`,
      });
    }
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([key]) => !strippedHeaders.has(key.toLowerCase())),
    );
    headers['x-raydeck-user'] = request.user?.username ?? '';
    headers['user-agent'] = 'raydeck-portal';
    try {
      const upstream = await proxy({
        namespace: team,
        service: `${name}-head-svc`,
        port: 'dashboard',
        path: `/${rest}${query}`,
        method: request.method,
        headers,
        ...(mutating && request.body ? { body: request.body as NodeJS.ReadableStream } : {}),
      });
      if (mutating) {
        await app.auditLog.record({
          ...auditFromRequest(request),
          action: 'cluster.dashboard.request',
          targetKind: 'raycluster',
          targetNamespace: team,
          targetName: name,
          result: (upstream.statusCode ?? 500) < 400 ? 'success' : 'failure',
          statusCode: upstream.statusCode ?? 500,
          details: { method: request.method, path: `/${rest}` },
        });
      }
      reply.code(upstream.statusCode ?? 502);
      for (const [key, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !['connection', 'transfer-encoding'].includes(key))
          reply.header(key, value);
      }
      return reply.send(upstream);
    } catch (error) {
      return sendApiError(reply, {
        status: 502,
        reason: 'DashboardUnreachable',
        message: `the Ray dashboard of ${team}/${name} did not answer: ${(error as Error).message}`,
      });
    }
  });
};
