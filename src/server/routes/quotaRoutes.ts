import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { TeamNameParams } from '../../shared/api/adminSchemas.ts';
import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import { SetTeamQuotaRequest, TeamQuota, teamQuotaName } from '../../shared/api/quotaSchemas.ts';
import { auditedMutation } from '../audit/auditedMutation.ts';
import { authorize } from '../auth/authorize.ts';
import { requireRole } from '../auth/authPlugin.ts';
import type { QuotaService } from '../services/QuotaService.ts';
import { forbidden } from '../services/serviceErrors.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 409: ApiErrorBody };

/**
 * Team quotas: members (and viewers) of a team and admins read its used/limit meters; admins
 * set Raydeck's ResourceQuota in the team namespace (audited as `quota.set`).
 */
export const quotaRoutes: FastifyPluginAsyncTypebox<{ quotas: QuotaService }> = async (
  app,
  { quotas },
) => {
  app.get(
    '/api/v1/teams/:name/quota',
    {
      schema: {
        tags: ['quotas'],
        summary: "A team's quota: used/limit meters of every ResourceQuota in its namespace",
        params: TeamNameParams,
        response: { 200: TeamQuota, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params;
      if (!authorize(request.user, 'read', name))
        throw forbidden(`you are not a member of team "${name}"`);
      return quotas.get(name);
    },
  );

  app.put(
    '/api/v1/admin/teams/:name/quota',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['admin', 'quotas'],
        summary: "Set a team's quota (GPUs, CPU, memory) as a ResourceQuota (admins)",
        description: `Creates or replaces the ResourceQuota \`${teamQuotaName}\` in the team namespace; fields left out have no limit. Kubernetes enforces it when pods are admitted; the portal refuses clusters beyond it before creating them.`,
        params: TeamNameParams,
        body: SetTeamQuotaRequest,
        response: { 200: TeamQuota, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params;
      return auditedMutation(
        request,
        {
          action: 'quota.set',
          targetKind: 'resourcequota',
          targetNamespace: name,
          targetName: teamQuotaName,
          details: { ...request.body },
        },
        () => quotas.set(name, request.body),
      );
    },
  );
};
