import type { FastifyRequest } from 'fastify';

import { ServiceError } from '../services/serviceErrors.ts';
import { auditFromRequest } from './auditFromRequest.ts';

/** What a mutation acts on, for its audit entry. */
export interface AuditedTarget {
  /** Dotted verb, e.g. `cluster.scale`, `template.update`. */
  action: string;
  targetKind: string;
  targetNamespace: string;
  targetName: string;
  details?: Record<string, unknown>;
}

/**
 * Runs a mutation and records it in the audit log with its outcome, success or not, before the
 * answer is sent: refusals (403) as `denied`, other errors as `failure` with their message.
 */
export async function auditedMutation<T>(
  request: FastifyRequest,
  target: AuditedTarget,
  run: () => Promise<T>,
): Promise<T> {
  const { details, ...entry } = target;
  try {
    const result = await run();
    await request.server.auditLog.record({
      ...auditFromRequest(request),
      ...entry,
      result: 'success',
      statusCode: 200,
      ...(details ? { details } : {}),
    });
    return result;
  } catch (error) {
    const status = error instanceof ServiceError ? error.statusCode : 500;
    await request.server.auditLog.record({
      ...auditFromRequest(request),
      ...entry,
      result: status === 403 ? 'denied' : 'failure',
      statusCode: status,
      details: { ...details, error: (error as Error).message },
    });
    throw error;
  }
}
