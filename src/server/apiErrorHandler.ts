import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import type { FieldError } from '../shared/api/apiErrorBody.ts';
import { humanizeSchemaMessage } from '../shared/api/humanizeSchemaMessage.ts';
import { KubeApiError } from './k8s/k8sErrors.ts';
import { sendApiError } from './sendApiError.ts';
import { ServiceError, serviceErrorOfKube } from './services/serviceErrors.ts';

/**
 * Translates every thrown error into the API error shape, once. Schema failures list each
 * field's path (`body.name`) with a plain message; 5xx details are logged, never sent.
 */
export function apiErrorHandler(
  thrown: FastifyError | ServiceError | KubeApiError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  // A Kubernetes error a service let through keeps its status and message, as if translated.
  const error = thrown instanceof KubeApiError ? serviceErrorOfKube(thrown) : thrown;
  if (error instanceof ServiceError) {
    if (error.statusCode >= 500) request.log.warn({ err: thrown }, 'service unavailable');
    return sendApiError(reply, {
      status: error.statusCode,
      reason: error.reason,
      message: error.message,
      ...(error.fields.length > 0 ? { fields: error.fields } : {}),
    });
  }
  if (error.validation) {
    const fields: FieldError[] = error.validation.map((issue) => ({
      path: fieldPath(error.validationContext ?? 'request', issue),
      // Worded as a person would say it (`is required`, not `must have required property`),
      // the same words the web shows under a field.
      message:
        issue.keyword === 'additionalProperties'
          ? 'is not a known field'
          : humanizeSchemaMessage(issue.message ?? 'is invalid'),
    }));
    return sendApiError(reply, {
      status: 400,
      reason: 'ValidationFailed',
      message: fields.map((field) => `${field.path}: ${field.message}`).join('; '),
      fields,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return sendApiError(reply, {
      status,
      reason: 'InternalError',
      message: 'Internal server error',
    });
  }
  return sendApiError(reply, {
    status,
    reason: error.code ?? 'BadRequest',
    message: error.message,
  });
}

/** `body` + instancePath `/spec/replicas` + missing property `name` → `body.spec.replicas.name`. */
function fieldPath(
  context: string,
  issue: { instancePath?: string; params?: Record<string, unknown> },
): string {
  const segments = (issue.instancePath ?? '').split('/').filter(Boolean);
  const missing = issue.params?.['missingProperty'] ?? issue.params?.['additionalProperty'];
  if (typeof missing === 'string') segments.push(missing);
  return [context, ...segments].join('.');
}
