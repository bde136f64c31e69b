import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { LivenessStatus, ReadinessStatus } from '../../shared/api/healthStatus.ts';

/** A named dependency the portal needs before it can serve users (informers, store, ...). */
export interface ReadinessCheck {
  name: string;
  check: () => { ready: boolean; reason?: string };
}

/** `/healthz` (liveness: the process answers) and `/readyz` (every readiness check passes). */
export const healthRoutes: FastifyPluginAsyncTypebox<{
  checks: readonly ReadinessCheck[];
}> = async (app, { checks }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['meta'],
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: LivenessStatus },
      },
    },
    async (): Promise<LivenessStatus> => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['meta'],
        summary: 'Readiness: every readiness check passes (503 otherwise)',
        security: [],
        response: { 200: ReadinessStatus, 503: ReadinessStatus },
      },
    },
    async (_request, reply) => {
      const results = checks.map(({ name, check }) => ({ name, ...check() }));
      const ready = results.every((result) => result.ready);
      return reply.code(ready ? 200 : 503).send({ ready, checks: results });
    },
  );
};
