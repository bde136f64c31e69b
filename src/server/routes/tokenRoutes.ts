import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import {
  ApiTokenList,
  CreateApiTokenRequest,
  CreatedApiToken,
  defaultTokenLifetimeDays,
  TokenIdParams,
} from '../../shared/api/authSchemas.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import { requireUser } from '../auth/authPlugin.ts';
import { sendApiError } from '../sendApiError.ts';

/** Most API tokens one user may hold at once. */
export const maxTokensPerUser = 100;

/**
 * `GET/POST /api/v1/tokens`, `DELETE /api/v1/tokens/:id`: each user manages their own API
 * tokens (any role: a token acts with its owner's permissions, no more). The secret is in the
 * create answer only. Needs `authPlugin`.
 */
export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tokens, auditLog, revocations } = app.authServices;
  app.addHook('preHandler', requireUser);

  const currentUser = (user: AuthenticatedUser | null): AuthenticatedUser => {
    if (!user) throw new Error('requireUser let an anonymous request through');
    return user;
  };

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'List your API tokens',
        response: { 200: ApiTokenList },
      },
    },
    async (request) => ({
      items: await tokens.list(currentUser(request.user).id),
    }),
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token (its secret is shown once)',
        body: CreateApiTokenRequest,
        response: { 201: CreatedApiToken },
      },
    },
    async (request, reply) => {
      const user = currentUser(request.user);
      const audit = {
        ...auditFromRequest(request),
        action: 'token.create',
        targetKind: 'token',
        targetName: request.body.name,
      };
      if ((await tokens.list(user.id)).length >= maxTokensPerUser) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 409,
          details: { reason: 'tooManyTokens' },
        });
        return sendApiError(reply, {
          status: 409,
          reason: 'TooManyTokens',
          message: `You already have ${maxTokensPerUser} API tokens; delete one first.`,
        });
      }
      // Omitted means the shared default (the schema's default, applied here too); null: never.
      const { expiresInDays = defaultTokenLifetimeDays } = request.body;
      const created = await tokens.create(user.id, request.body.name, expiresInDays ?? undefined);
      await auditLog.record({
        ...audit,
        result: 'success',
        statusCode: 201,
        details: { tokenId: created.id, prefix: created.prefix, expiresAt: created.expiresAt },
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Delete one of your API tokens',
        params: TokenIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const user = currentUser(request.user);
      const removed = await tokens.delete(user.id, request.params.id);
      if (removed) revocations.emit({ kind: 'token', tokenId: removed.id });
      await auditLog.record({
        ...auditFromRequest(request),
        action: 'token.delete',
        targetKind: 'token',
        targetName: removed?.name ?? request.params.id,
        result: removed ? 'success' : 'failure',
        statusCode: removed ? 204 : 404,
        details: { tokenId: request.params.id, ...(removed ? { prefix: removed.prefix } : {}) },
      });
      if (!removed) {
        return sendApiError(reply, {
          status: 404,
          reason: 'NotFound',
          message: `You have no API token ${request.params.id}.`,
        });
      }
      return reply.code(204).send(null);
    },
  );
};
