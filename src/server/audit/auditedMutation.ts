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
 * Runs a mutation and audits it in two steps: a `pending` entry before `run` (which calls
 * Kubernetes), then the same entry updated with the outcome before the answer is sent: success
 * (with `successDetails` of the result), refusals (403) as `denied`, other errors as `failure`
 * with their message. A crash between the steps leaves the entry `pending`; startup resolves it
 * (reconcileInterruptedMutations).
 */
export async function auditedMutation<T>(
  request: FastifyRequest,
  target: AuditedTarget,
  run: () => Promise<T>,
  options: { successDetails?: (result: T) => Record<string, unknown> } = {},
): Promise<T> {
  const { details, ...entry } = target;
  const auditLog = request.server.auditLog;
  const id = await auditLog.begin({
    ...auditFromRequest(request),
    ...entry,
    ...(details ? { details } : {}),
  });
  let result: T;
  try {
    result = await run();
  } catch (error) {
    const status = error instanceof ServiceError ? error.statusCode : 500;
    await auditLog.resolve(id, {
      result: status === 403 ? 'denied' : 'failure',
      statusCode: status,
      details: { ...details, error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
  await auditLog.resolve(id, {
    result: 'success',
    statusCode: 200,
    details: { ...details, ...options.successDetails?.(result) },
  });
  return result;
}

/**
 * {@link auditedMutation} for the routes of one kind of resource: `audited(request, action,
 * { namespace, name }, run, details?, successDetails?)`, the target's kind `targetKind` unless
 * the target names another (e.g. the RayCluster of a RayService).
 */
export function auditorOf(targetKind: string) {
  return <T>(
    request: FastifyRequest,
    action: string,
    target: { namespace: string; name: string; kind?: string },
    run: () => Promise<T>,
    details?: Record<string, unknown>,
    successDetails?: (result: T) => Record<string, unknown>,
  ): Promise<T> =>
    auditedMutation(
      request,
      {
        action,
        targetKind: target.kind ?? targetKind,
        targetNamespace: target.namespace,
        targetName: target.name,
        ...(details ? { details } : {}),
      },
      run,
      successDetails ? { successDetails } : {},
    );
}
