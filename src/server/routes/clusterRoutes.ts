import { randomUUID } from 'node:crypto';

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import {
  ClusterDetail,
  ClusterList,
  ClusterListQuery,
  ClusterManifestResponse,
  ClusterParams,
  CreateClusterRequest,
  ScaleRequest,
} from '../../shared/api/clusterSchemas.ts';
import { auditorOf } from '../audit/auditedMutation.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import { signedInUser } from '../auth/signedInUser.ts';
import { sendApiError } from '../sendApiError.ts';
import type { ClusterService } from '../services/ClusterService.ts';
import { ServiceError } from '../services/serviceErrors.ts';
import {
  idempotencyError,
  idempotencyKeyDigest,
  idempotencyKeyHeader,
  idempotencyKeyPattern,
  idempotencyRequestHash,
  type IdempotencyStore,
} from '../store/IdempotencyStore.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };

/**
 * `/api/v1/clusters`: list and detail from the cache; create (idempotent with `Idempotency-Key`),
 * YAML preview, scale, suspend, resume and delete through the Kubernetes API. Every mutation is
 * audited with its outcome.
 */
export const clusterRoutes: FastifyPluginAsyncTypebox<{
  clusters: ClusterService;
  idempotency: IdempotencyStore;
}> = async (app, { clusters, idempotency }) => {
  const audited = auditorOf('raycluster');

  /**
   * Creates a cluster carrying `digest` as its idempotency annotation, audited as pending first
   * with the digest in the entry, so startup can resolve the entry after a crash.
   */
  const auditedCreate = (
    request: FastifyRequest,
    user: AuthenticatedUser,
    body: CreateClusterRequest,
    digest: string,
  ) =>
    audited(
      request,
      'cluster.create',
      { namespace: body.team, name: body.name },
      () => clusters.create(user, body, { idempotencyKeyDigest: digest }),
      { idempotencyKeyDigest: digest },
      (created) => ({ uid: created.summary?.uid }),
    );

  app.get(
    '/api/v1/clusters',
    {
      schema: {
        tags: ['clusters'],
        summary: 'List clusters you may see (filtered, paged)',
        querystring: ClusterListQuery,
        response: { 200: ClusterList },
      },
    },
    async (request) => clusters.list(signedInUser(request), request.query),
  );

  app.get(
    '/api/v1/clusters/:team/:name',
    {
      schema: {
        tags: ['clusters'],
        summary: 'One cluster: summary, stored object, why pending, pods, events, endpoints',
        params: ClusterParams,
        response: { 200: ClusterDetail, ...errors },
      },
    },
    async (request) => {
      const { team, name } = request.params;
      return clusters.detail(signedInUser(request), team, name);
    },
  );

  app.post(
    '/api/v1/clusters/preview',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Preview the manifest a create would send (server dry run)',
        body: CreateClusterRequest,
        response: { 200: ClusterManifestResponse, ...errors },
      },
    },
    async (request) => clusters.preview(signedInUser(request), request.body),
  );

  app.post(
    '/api/v1/clusters',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Create a cluster from a template',
        description:
          'Send an `Idempotency-Key` header (1-255 printable ASCII characters) to make retries safe: the same key and body answer the first result (with `Idempotent-Replayed: true`) and never create a second cluster.',
        body: CreateClusterRequest,
        response: { 201: ClusterManifestResponse, ...errors, 422: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const user = signedInUser(request);
      const body = request.body;
      const key = request.headers[idempotencyKeyHeader];
      if (typeof key === 'string') return createOnce(request, reply, user, body, key);
      // No key from the client: a random one still marks the object, for crash reconciliation.
      const created = await auditedCreate(
        request,
        user,
        body,
        idempotencyKeyDigest(user.id, randomUUID()),
      );
      return reply.code(201).send(created);
    },
  );

  /** A create with an Idempotency-Key: replayed, never repeated. */
  async function createOnce(
    request: FastifyRequest,
    reply: FastifyReply,
    user: AuthenticatedUser,
    body: CreateClusterRequest,
    key: string,
  ): Promise<FastifyReply> {
    if (!idempotencyKeyPattern.test(key)) {
      return sendApiError(reply, {
        status: 400,
        reason: 'ValidationFailed',
        message: 'headers.idempotency-key: must be 1-255 printable ASCII characters',
        fields: [
          { path: 'headers.idempotency-key', message: 'must be 1-255 printable ASCII characters' },
        ],
      });
    }
    const hash = idempotencyRequestHash('POST', '/api/v1/clusters', body);
    const outcome = await idempotency.begin(user.id, key, 'POST', '/api/v1/clusters', hash);
    if (outcome.kind === 'replay')
      return reply
        .code(outcome.statusCode)
        .header('idempotent-replayed', 'true')
        .send(outcome.body);
    const failure = idempotencyError(outcome);
    if (failure) return sendApiError(reply, failure);
    const digest = idempotencyKeyDigest(user.id, key);
    try {
      const created = await auditedCreate(request, user, body, digest);
      await idempotency.complete(user.id, key, 201, created);
      return reply.code(201).send(created);
    } catch (error) {
      // "Already exists" may be this very request, created before a crash released its key.
      const existing =
        error instanceof ServiceError && error.statusCode === 409
          ? await clusters.findCreatedWithKey(body.team, body.name, digest).catch(() => undefined)
          : undefined;
      if (existing) {
        await idempotency.complete(user.id, key, 201, existing);
        return reply.code(201).send(existing);
      }
      await idempotency.release(user.id, key);
      throw error;
    }
  }

  app.post(
    '/api/v1/clusters/:team/:name/scale',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Scale a worker group',
        params: ClusterParams,
        body: ScaleRequest,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { team, name } = request.params;
      const body = request.body;
      await audited(
        request,
        'cluster.scale',
        { namespace: team, name },
        () => clusters.scale(signedInUser(request), team, name, body),
        {
          group: body.group,
          replicas: body.replicas,
        },
      );
      return reply.code(204).send(null);
    },
  );

  for (const [verb, suspend] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    app.post(
      `/api/v1/clusters/:team/:name/${verb}`,
      {
        schema: {
          tags: ['clusters'],
          summary:
            verb === 'suspend'
              ? 'Suspend a cluster (deletes its pods, keeps it)'
              : 'Resume a suspended cluster',
          params: ClusterParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const { team, name } = request.params;
        await audited(request, `cluster.${verb}`, { namespace: team, name }, () =>
          clusters.setSuspended(signedInUser(request), team, name, suspend),
        );
        return reply.code(204).send(null);
      },
    );
  }

  app.delete(
    '/api/v1/clusters/:team/:name',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Delete a cluster',
        params: ClusterParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { team, name } = request.params;
      await audited(request, 'cluster.delete', { namespace: team, name }, () =>
        clusters.delete(signedInUser(request), team, name),
      );
      return reply.code(204).send(null);
    },
  );
};
