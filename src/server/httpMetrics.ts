import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * A fresh prom-client registry with Node process metrics (`process_*`, `nodejs_*`) and
 * `raydeck_http_request_duration_seconds`. One registry per server instance keeps tests
 * independent of each other.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Records every response in a histogram labelled by method, route pattern (not raw URL, to
 * bound cardinality) and status code. Buckets in seconds, from 1 ms to 5 s.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'raydeck_http_request_duration_seconds',
    help: 'Duration of HTTP requests served by the portal, in seconds.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
