import type { FastifyInstance } from 'fastify';

import type { RequestLogMode } from './serverConfig.ts';

/** Paths never logged in `api` mode: probes and metrics scrapes, every few seconds each. */
const probePaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One info line per finished request, instead of Fastify's two (incoming + completed, for every
 * static file and probe too: 2,394 lines in 25 minutes for one user). `api` logs `/api` calls
 * only, `all` everything, `none` nothing. Errors are logged by the error handler either way.
 */
export function registerRequestLogging(app: FastifyInstance, mode: RequestLogMode): void {
  if (mode === 'none') return;
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (mode === 'api' && (!path.startsWith('/api/') || probePaths.has(path))) return;
    request.log.info(
      {
        method: request.method,
        path,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        user: request.user?.username,
      },
      'request',
    );
  });
}
