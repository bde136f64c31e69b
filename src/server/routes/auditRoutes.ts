import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { AuditPage, AuditQuery } from '../../shared/api/auditSchemas.ts';
import { requireUser } from '../auth/authPlugin.ts';

/**
 * `GET /api/v1/audit`: the audit trail, newest first, paged by cursor. Admins see every entry;
 * members and viewers see entries about their teams' namespaces and their own actions. Needs
 * `authPlugin`.
 */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { auditLog } = app.authServices;

  app.get(
    '/api/v1/audit',
    {
      preHandler: requireUser,
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => {
      const user = request.user;
      if (!user) throw new Error('requireUser let an anonymous request through');
      return auditLog.query({
        ...request.query,
        ...(user.role === 'admin'
          ? {}
          : { visibleTo: { username: user.username, namespaces: user.teams } }),
      });
    },
  );
};
