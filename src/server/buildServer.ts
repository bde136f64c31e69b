import Fastify, { type FastifyInstance } from 'fastify';

import { apiErrorHandler } from './apiErrorHandler.ts';
import { createMetricsRegistry, registerHttpMetrics } from './httpMetrics.ts';
import { healthRoutes, type ReadinessCheck } from './routes/healthRoutes.ts';
import { metricsRoutes } from './routes/metricsRoutes.ts';
import { versionRoutes } from './routes/versionRoutes.ts';
import { webAppRoutes } from './routes/webAppRoutes.ts';
import type { ServerConfig } from './serverConfig.ts';

/** Options for {@link buildServer}. Everything with side effects is injected. */
export interface BuildServerOptions {
  config: Pick<ServerConfig, 'logLevel' | 'webRoot'>;
  /** Raydeck's version, reported by `/api/v1/version`. */
  version: string;
  /** Readiness checks for `/readyz`; none means always ready. */
  readinessChecks?: readonly ReadinessCheck[];
  /** `false` silences logs (tests); otherwise pino writes JSON lines to stdout. */
  logger?: boolean;
}

/**
 * Assembles the portal's Fastify app without listening, so tests can drive it in-process with
 * `app.inject()` and the process entry point can `listen()` on it.
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: options.config.logLevel },
    // Request ids come from the caller when it sends one (reverse proxies, the CLI's retries).
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', allErrors: true } },
  });
  const registry = createMetricsRegistry();
  registerHttpMetrics(app, registry);
  app.setErrorHandler(apiErrorHandler);

  await app.register(healthRoutes, { checks: options.readinessChecks ?? [] });
  await app.register(versionRoutes, { version: options.version });
  await app.register(metricsRoutes, { registry });
  await app.register(webAppRoutes, { webRoot: options.config.webRoot });
  return app;
}
