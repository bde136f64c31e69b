import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

import { teamNamePattern } from '../../shared/api/adminSchemas.ts';
import { rayClusterNamePattern } from '../../shared/api/clusterSchemas.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import { authorize } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { ServiceProxy } from '../k8s/serviceProxyRequest.ts';
import {
  dashboardContentSecurityPolicy,
  forwardedRequestHeaders,
  resolveDashboardPath,
  returnedResponseHeaders,
} from '../proxy/dashboardProxyPath.ts';
import { sendApiError } from '../sendApiError.ts';

const teamPattern = new RegExp(teamNamePattern);
const clusterNamePattern = new RegExp(rayClusterNamePattern);

/**
 * `/api/v1/clusters/{team}/{name}/dashboard/*`: the identity-aware proxy to a cluster's Ray
 * dashboard and Jobs API, through the Kubernetes service proxy (`<name>-head-svc:dashboard`).
 * Only the dashboard routes of `dashboardProxyPath.ts` are forwarded, built from the raw URL's
 * validated segments; request and response headers are allow-lists; bodies have a size limit.
 * Reading needs read access to the team; anything else (submitting or stopping a job) needs
 * write access. Every forwarded mutation and every refused path is audited with the exact
 * upstream path. The caller's identity travels as `X-Raydeck-User`.
 */
export const dashboardProxyRoutes: FastifyPluginAsync<{
  proxy: ServiceProxy;
  cache: KubeCache;
}> = async (app, { proxy, cache }) => {
  // The dashboard's own API bodies are passed through untouched, whatever their type (this
  // plugin's context only: other routes keep Fastify's JSON parsing). Size is checked below.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.all(
    '/api/v1/clusters/:team/:name/dashboard/*',
    { schema: { hide: true } },
    async (request, reply) => {
      const { team, name } = request.params as { team: string; name: string };
      if (
        !teamPattern.test(team) ||
        team.length > 63 ||
        !clusterNamePattern.test(name) ||
        name.length > 63
      ) {
        return sendApiError(reply, {
          status: 400,
          reason: 'InvalidPath',
          message: 'team must be a DNS-1123 label and name a DNS-1035 label',
        });
      }
      if (!cache.get('RayCluster', team, name) || !authorize(request.user, 'read', team)) {
        return sendApiError(reply, {
          status: 404,
          reason: 'NotFound',
          message: `cluster "${team}/${name}" not found`,
        });
      }
      const target = { team, name, service: `${name}-head-svc` };
      const resolved = resolveDashboardPath(request.url, team, name, request.method);
      if (!resolved.ok) {
        await auditProxy(request, target, 'denied', resolved.status, {
          refused: resolved.reason,
          requestPath: request.url.slice(0, 2048),
        });
        return sendApiError(reply, resolved);
      }
      const mutating = request.method !== 'GET' && request.method !== 'HEAD';
      const upstreamPath = `${resolved.upstreamPath}${resolved.query}`;
      if (mutating && !authorize(request.user, 'write', team)) {
        await auditProxy(request, target, 'denied', 403, { upstreamPath });
        return sendApiError(reply, {
          status: 403,
          reason: 'Forbidden',
          message: `you may not change jobs in team "${team}"`,
        });
      }
      const declaredLength = Number(request.headers['content-length'] ?? 0);
      const maxBytes = resolved.route.maxBodyBytes;
      if (mutating && declaredLength > maxBytes) {
        await auditProxy(request, target, 'denied', 413, { upstreamPath, declaredLength });
        return sendApiError(reply, {
          status: 413,
          reason: 'PayloadTooLarge',
          message: `a ${resolved.route.name} request body may be at most ${maxBytes} bytes`,
        });
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers)) {
        if (forwardedRequestHeaders.has(key) && typeof value === 'string') headers[key] = value;
      }
      headers['x-raydeck-user'] = request.user?.username ?? '';
      headers['user-agent'] = 'raydeck-portal';
      const body =
        mutating && request.body
          ? limitBytes(request.body as NodeJS.ReadableStream, maxBytes)
          : undefined;
      try {
        const upstream = await proxy({
          namespace: team,
          service: target.service,
          port: 'dashboard',
          path: upstreamPath,
          method: request.method,
          headers,
          ...(body ? { body: body.stream } : {}),
        });
        const status = upstream.statusCode ?? 502;
        if (mutating) {
          await auditProxy(request, target, status < 400 ? 'success' : 'failure', status, {
            upstreamPath,
          });
        }
        return forwardResponse(reply, status, upstream);
      } catch (error) {
        const tooLarge = body?.exceeded() ?? false;
        if (mutating) {
          await auditProxy(request, target, 'failure', tooLarge ? 413 : 502, { upstreamPath });
        }
        return sendApiError(reply, {
          status: tooLarge ? 413 : 502,
          reason: tooLarge ? 'PayloadTooLarge' : 'DashboardUnreachable',
          message: tooLarge
            ? `a ${resolved.route.name} request body may be at most ${maxBytes} bytes`
            : `the Ray dashboard of ${team}/${name} did not answer: ${(error as Error).message}`,
        });
      }
    },
  );
};

/** Audits one proxy call against `team/name`, naming the dashboard service and path. */
async function auditProxy(
  request: FastifyRequest,
  target: { team: string; name: string; service: string },
  result: 'success' | 'failure' | 'denied',
  statusCode: number,
  details: Record<string, unknown>,
): Promise<void> {
  await request.server.auditLog.record({
    ...auditFromRequest(request),
    action: result === 'denied' ? 'cluster.dashboard.refused' : 'cluster.dashboard.request',
    targetKind: 'raycluster',
    targetNamespace: target.team,
    targetName: target.name,
    result,
    statusCode,
    details: { method: request.method, service: `${target.service}:dashboard`, ...details },
  });
}

function forwardResponse(
  reply: FastifyReply,
  status: number,
  upstream: IncomingMessage,
): FastifyReply {
  reply.code(status);
  reply.header('content-security-policy', dashboardContentSecurityPolicy);
  for (const [key, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && returnedResponseHeaders.has(key)) reply.header(key, value);
  }
  return reply.send(upstream);
}

/** A request body stream that fails past a byte limit, and says whether that is why it failed. */
interface LimitedBody {
  stream: NodeJS.ReadableStream;
  exceeded: () => boolean;
}

/** `body` counted as it passes, failing past `maxBytes` (chunked bodies declare no length). */
function limitBytes(body: NodeJS.ReadableStream, maxBytes: number): LimitedBody {
  let seen = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new Error(`body larger than ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  body.on('error', (error) => stream.destroy(error));
  return { stream: body.pipe(stream), exceeded: () => seen > maxBytes };
}
