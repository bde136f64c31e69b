import type { FastifyRequest } from 'fastify';

import type { AuditRecord } from './AuditLog.ts';

/**
 * The request-derived fields of an audit entry: who (username and role, or `anonymous`),
 * the request id (to find the matching log lines) and the client address. Spread it into
 * `AuditLog.record({ ...auditFromRequest(request), action, targetKind, … })`.
 */
export function auditFromRequest(
  request: FastifyRequest,
): Pick<AuditRecord, 'actor' | 'actorRole' | 'requestId' | 'sourceIp'> {
  return {
    actor: request.user?.username ?? 'anonymous',
    actorRole: request.user?.role ?? null,
    requestId: String(request.id),
    sourceIp: request.ip,
  };
}
