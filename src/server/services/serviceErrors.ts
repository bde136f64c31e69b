import type { FieldError } from '../../shared/api/apiErrorBody.ts';
import { KubeApiError } from '../k8s/k8sErrors.ts';

/**
 * A domain failure with the HTTP status and reason the API answers with. Services throw it;
 * the one error handler turns it into the `ApiErrorBody` shape.
 */
export class ServiceError extends Error {
  readonly statusCode: number;
  readonly reason: string;
  readonly fields: FieldError[];

  constructor(statusCode: number, reason: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'ServiceError';
    this.statusCode = statusCode;
    this.reason = reason;
    this.fields = fields;
  }
}

/** 400 naming every bad field (`body.workerGroups[0].replicas`). */
export function validationFailed(fields: FieldError[]): ServiceError {
  return new ServiceError(
    400,
    'ValidationFailed',
    fields.map((field) => `${field.path}: ${field.message}`).join('; '),
    fields,
  );
}

export function notFound(what: string): ServiceError {
  return new ServiceError(404, 'NotFound', `${what} not found`);
}

export function forbidden(message: string): ServiceError {
  return new ServiceError(403, 'Forbidden', message);
}

/**
 * A Kubernetes failure in the portal's terms, decided once here: Invalid causes become field
 * errors under `manifest.`, an unreachable cluster 503 `ClusterUnavailable`, another server
 * failure 502 `ClusterError` (its details stay in the log), anything else keeps Kubernetes'
 * status, reason and message (403 Forbidden, 404 NotFound, 409 AlreadyExists/Conflict, …).
 */
export function serviceErrorOfKube(error: KubeApiError): ServiceError {
  if (error.status === 422 && error.causes.length > 0) {
    return validationFailed(
      error.causes.map((cause) => ({ path: `manifest.${cause.field}`, message: cause.message })),
    );
  }
  if (error.status === 503) return new ServiceError(503, 'ClusterUnavailable', error.message);
  if (error.status >= 500 || error.status < 400) {
    return new ServiceError(
      502,
      'ClusterError',
      `the Kubernetes API failed (${error.status} ${error.reason})`,
    );
  }
  return new ServiceError(error.status, error.reason, error.message);
}

/** Runs a Kubernetes call for a service, translating its failure with {@link serviceErrorOfKube}. */
export async function kubeOperation<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof KubeApiError) throw serviceErrorOfKube(error);
    throw error;
  }
}
