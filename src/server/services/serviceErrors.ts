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
 * Runs a Kubernetes call for a service, translating its failure once into the portal's terms:
 * Invalid causes become field errors under `manifest.`, an unreachable cluster 503
 * `ClusterUnavailable`, anything else keeps Kubernetes' status and reason.
 */
export async function kubeOperation<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    if (error.status === 422 && error.causes.length > 0) {
      throw validationFailed(
        error.causes.map((cause) => ({ path: `manifest.${cause.field}`, message: cause.message })),
      );
    }
    if (error.status === 503) throw new ServiceError(503, 'ClusterUnavailable', error.message);
    throw new ServiceError(error.status, error.reason, error.message);
  }
}
