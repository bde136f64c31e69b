import type { FastifyPluginAsync } from 'fastify';

import { LivenessStatus, ReadinessStatus } from '../../shared/api/healthStatus.ts';

/** A named dependency the portal needs before it can serve users (informers, store, ...). */
export interface ReadinessCheck {
  name: string;
  check: () => { ready: boolean; reason?: string };
}

/** `/healthz` (liveness: the process answers) and `/readyz` (every readiness check passes). */
export const healthRoutes: FastifyPluginAsync<{ checks: readonly ReadinessCheck[] }> = async (
  app,
  { checks },
) => {
  app.get('/healthz', { schema: { response: { 200: LivenessStatus } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    { schema: { response: { 200: ReadinessStatus, 503: ReadinessStatus } } },
    async (_request, reply) => {
      const results = checks.map(({ name, check }) => ({ name, ...check() }));
      const ready = results.every((result) => result.ready);
      return reply.code(ready ? 200 : 503).send({ ready, checks: results });
    },
  );
};
