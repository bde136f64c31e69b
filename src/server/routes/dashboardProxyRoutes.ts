import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Check } from 'typebox/value';

import { TeamName } from '../../shared/api/adminSchemas.ts';
import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import { ClusterName } from '../../shared/api/clusterSchemas.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import { authorize } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { ServiceProxy } from '../k8s/serviceProxyRequest.ts';
import {
  dashboardContentSecurityPolicy,
  dashboardRoutes,
  forwardedRequestHeaders,
  resolveDashboardPath,
  returnedResponseHeaders,
} from '../proxy/dashboardProxyPath.ts';
import { sendApiError } from '../sendApiError.ts';

/**
 * `/api/v1/clusters/{team}/{name}/dashboard/*`: the identity-aware proxy to a cluster's Ray
 * dashboard and Jobs API, through the Kubernetes service proxy (`<name>-head-svc:dashboard`).
 * Only the dashboard routes of `dashboardProxyPath.ts` are forwarded, built from the raw URL's
 * validated segments; request and response headers are allow-lists; bodies have a size limit.
 * Reading needs read access to the team; anything else (submitting or stopping a job) needs
 * write access. Every forwarded mutation and every refused path is audited with the exact
 * upstream path. The caller's identity travels as `X-Raydeck-User`.
 */
export const dashboardProxyRoutes: FastifyPluginAsyncTypebox<{
  proxy: ServiceProxy;
  cache: KubeCache;
}> = async (app, { proxy, cache }) => {
  // The dashboard's own API bodies are passed through untouched, whatever their type (this
  // plugin's context only: other routes keep Fastify's JSON parsing). Size is checked below.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  // Documented once, as its GET; the other methods are the same route, hidden from the document.
  const otherMethods = app.supportedMethods.filter(
    (method) => method !== 'GET' && method !== 'HEAD',
  );
  for (const [method, schema] of [
    ['GET', documentedSchema],
    [otherMethods, { params: ProxyParams, hide: true }],
  ] as const) {
    app.route({
      method,
      url: '/api/v1/clusters/:team/:name/dashboard/*',
      schema,
      handler: async (request, reply) => {
        // Checked here against the shared name schemas rather than by the route schema, to
        // answer one InvalidPath for any bad part.
        const { team, name } = request.params;
        if (!Check(TeamName, team) || !Check(ClusterName, name)) {
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
          // The `*` content-type parser above hands over the request stream untouched.
          mutating && request.body instanceof Readable
            ? limitBytes(request.body, maxBytes)
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
              : `the Ray dashboard of ${team}/${name} did not answer: ${errorMessage(error)}`,
          });
        }
      },
    });
  }
};

/** Path parameters of the proxy; checked by the handler (see `dashboardProxyPath.ts`). */
const ProxyParams = Type.Object({
  team: Type.String({ description: 'Team (namespace).' }),
  name: Type.String({ description: 'RayCluster name.' }),
  '*': Type.String({ description: 'Path on the Ray dashboard, e.g. `api/jobs/`.' }),
});

/** The proxy's one documented operation; the description lists what it forwards. */
const documentedSchema = {
  tags: ['clusters'],
  summary: "Proxy to the cluster's Ray dashboard and Jobs API",
  description: [
    "Forwards to the cluster's Ray dashboard (`<name>-head-svc:dashboard`) through the Kubernetes service proxy, with the caller's identity in `X-Raydeck-User`. Only these dashboard routes are forwarded (paths relative to `…/dashboard`); anything else is refused with 400 or 403. Reading needs read access to the team; other methods (submitting, stopping or deleting a job, uploading a package, deploying Serve apps) need write access and are audited. The same path accepts the methods listed; only GET is shown here.",
    '',
    '| route | path pattern | methods | body limit |',
    '| --- | --- | --- | --- |',
    ...dashboardRoutes.map(
      (route) =>
        `| ${route.name} | \`${route.pattern.source
          .replace(/^\^|\$$/g, '')
          .replaceAll('\\/', '/')
          .replaceAll(
            '|',
            '\\|',
          )}\` | ${route.methods.join(', ')} | ${route.methods.some((method) => method !== 'GET' && method !== 'HEAD') ? `${route.maxBodyBytes} bytes` : '–'} |`,
    ),
  ].join('\n'),
  params: ProxyParams,
  response: {
    200: {
      description: "The Ray dashboard's answer, passed through (allow-listed headers only).",
      content: { '*/*': { schema: Type.String({ description: 'As the Ray dashboard sent it.' }) } },
    },
    400: ApiErrorBody,
    403: ApiErrorBody,
    404: ApiErrorBody,
    413: ApiErrorBody,
    502: ApiErrorBody,
  },
};

/** The message of a thrown value. */
function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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
