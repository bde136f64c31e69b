import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';

/** `GET /metrics` in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ registry: Registry }> = async (
  app,
  { registry },
) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['meta'],
        summary: 'Prometheus metrics',
        description:
          'Process, HTTP and informer metrics in the Prometheus text exposition format (no response schema: the answer is text, not JSON).',
        security: [],
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
};
