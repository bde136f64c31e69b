import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

import { sendApiError } from '../sendApiError.ts';
import { isMutation } from './authPlugin.ts';

/** Options of {@link mutationRateLimit}. */
export interface MutationRateLimitOptions {
  /** Mutations one user may make per window. Defaults to 120. */
  max?: number;
  /** Window in milliseconds. Defaults to 60,000 (one minute). */
  timeWindowMs?: number;
}

/**
 * Caps how many changes (POST, PUT, PATCH, DELETE) each signed-in user makes per window, so a
 * runaway script cannot flood the cluster or the audit log: beyond it, 429 `RateLimited` with
 * `Retry-After` in the standard error shape. Keyed by user id, not address, so users behind one
 * NAT do not share a budget. Reads are not limited. Uses @fastify/rate-limit's in-memory store
 * (per replica).
 *
 * Registered without encapsulation, as a `preHandler` hook, so it runs after `authPlugin` has
 * identified the user on every route of the app.
 */
export const mutationRateLimit = Object.assign(
  async function mutationRateLimit(
    app: FastifyInstance,
    options: MutationRateLimitOptions,
  ): Promise<void> {
    if (!app.hasDecorator('createRateLimit')) {
      await app.register(fastifyRateLimit, { global: false });
    }
    const limiter = app.createRateLimit({
      max: options.max ?? 120,
      timeWindow: options.timeWindowMs ?? 60_000,
      keyGenerator: (request) => `mutation:${request.user?.id ?? ''}`,
    });
    app.addHook('preHandler', async (request, reply) => {
      if (!request.user || !isMutation(request.method)) return undefined;
      const verdict = await limiter(request);
      if (verdict.isAllowed || !verdict.isExceeded) return undefined;
      reply.header('retry-after', String(verdict.ttlInSeconds));
      return sendApiError(reply, {
        status: 429,
        reason: 'RateLimited',
        message: `Too many changes (more than ${verdict.max} per ${Math.round(verdict.timeWindow / 1000)} s); retry in ${verdict.ttlInSeconds} s.`,
      });
    });
  },
  { [Symbol.for('skip-override')]: true },
);
