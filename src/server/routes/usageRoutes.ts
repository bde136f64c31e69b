import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import { UsageQuery, UsageReport } from '../../shared/api/usageSchemas.ts';
import { signedInUser } from '../auth/signedInUser.ts';
import type { UsageService } from '../services/UsageService.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody };

/**
 * `/api/v1/usage`: GPU-hours per team and day, top users and clusters, idle GPU-hours, and the
 * same as CSV. Admins see every team; members and viewers only their own.
 */
export const usageRoutes: FastifyPluginAsyncTypebox<{ usage: UsageService }> = async (
  app,
  { usage },
) => {
  app.get(
    '/api/v1/usage',
    {
      schema: {
        tags: ['usage'],
        summary: 'GPU-hours per team and day, top users and clusters, idle GPU-hours',
        description:
          'Metered from GPU pods’ running intervals. Days are UTC; `from`..`to` inclusive, default the last 7 days. Admins see every team, others their own teams; `team` narrows to one.',
        querystring: UsageQuery,
        response: { 200: UsageReport, ...errors },
      },
    },
    async (request) => usage.report(request.query, signedInUser(request)),
  );

  app.get(
    '/api/v1/usage.csv',
    {
      schema: {
        tags: ['usage'],
        summary: 'GPU-hours as CSV',
        description:
          'One row per day, team, user, cluster, template and GPU product: `day,team,user,cluster,template,gpu_product,gpu_hours,idle_gpu_hours` (CRLF lines, RFC 4180 quoting).',
        querystring: UsageQuery,
        response: {
          200: {
            description: 'The CSV file (an attachment named after the range).',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { fileName, text } = await usage.csv(request.query, signedInUser(request));
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`);
      return text;
    },
  );
};
