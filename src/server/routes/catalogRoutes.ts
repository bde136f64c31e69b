import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import {
  CatalogEntry,
  CatalogEntryInput,
  CatalogId,
  CatalogList,
} from '../../shared/api/jobSchemas.ts';
import { auditedMutation } from '../audit/auditedMutation.ts';
import { type AuthenticatedUser, authorize } from '../auth/authorize.ts';
import { signedInUser } from '../auth/signedInUser.ts';
import { ServiceError } from '../services/serviceErrors.ts';
import type { WorkloadCatalog } from '../services/WorkloadCatalog.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };

function adminOf(request: FastifyRequest): AuthenticatedUser {
  const user = signedInUser(request);
  if (!authorize(user, 'admin')) {
    throw new ServiceError(403, 'Forbidden', 'only admins may change the workload catalog');
  }
  return user;
}

/**
 * `/api/v1/catalog`: the workload catalog (built-ins from `workloads/catalog.yaml` and entries
 * admins added); anyone signed in reads it, admins add and delete their entries (audited).
 */
export const catalogRoutes: FastifyPluginAsyncTypebox<{
  catalog: WorkloadCatalog;
  now: () => number;
}> = async (app, { catalog, now }) => {
  app.get(
    '/api/v1/catalog',
    {
      schema: {
        tags: ['jobs'],
        summary: 'The workload catalog',
        response: { 200: CatalogList },
      },
    },
    async () => ({ items: await catalog.list() }),
  );

  app.post(
    '/api/v1/catalog',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Add a catalog entry (admins)',
        body: CatalogEntryInput,
        response: { 201: CatalogEntry, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await auditedMutation(
        request,
        {
          action: 'catalog.create',
          targetKind: 'catalog',
          targetNamespace: '',
          targetName: body.id,
        },
        async () => {
          const admin = adminOf(request);
          return catalog.add(body, admin.username, new Date(now()).toISOString());
        },
      );
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/catalog/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Delete a catalog entry an admin added (admins)',
        params: Type.Object({ id: CatalogId }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await auditedMutation(
        request,
        { action: 'catalog.delete', targetKind: 'catalog', targetNamespace: '', targetName: id },
        async () => {
          adminOf(request);
          await catalog.remove(id);
        },
      );
      return reply.code(204).send(null);
    },
  );
};
