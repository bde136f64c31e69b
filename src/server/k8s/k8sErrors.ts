import { ApiException } from '@kubernetes/client-node';

/** A Kubernetes field error, e.g. `spec.workerGroupSpecs[0].replicas`. */
export interface KubeFieldCause {
  field: string;
  message: string;
}

/**
 * A failed Kubernetes API call, translated once from client-node's ApiException: the HTTP code,
 * the Status reason (NotFound, AlreadyExists, Conflict, Forbidden, Invalid…), its message and
 * field causes. Services turn it into the portal's error shape.
 */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly causes: readonly KubeFieldCause[];

  constructor(
    status: number,
    reason: string,
    message: string,
    causes: readonly KubeFieldCause[] = [],
  ) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }
}

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string; message?: string }[] };
}

/** Converts any error of a client-node call into a {@link KubeApiError} (or rethrows it). */
export function toKubeApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const status = error.code as number;
    let body: StatusBody;
    try {
      body = (typeof error.body === 'string' ? JSON.parse(error.body) : error.body) as StatusBody;
    } catch {
      body = { message: String(error.body) };
    }
    return new KubeApiError(
      status,
      body.reason ?? 'Unknown',
      body.message ?? `Kubernetes API answered ${status}`,
      (body.details?.causes ?? []).map((cause) => ({
        field: cause.field ?? '',
        message: cause.message ?? '',
      })),
    );
  }
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') {
    return new KubeApiError(
      503,
      'ServiceUnavailable',
      `the Kubernetes API server is unreachable (${code})`,
    );
  }
  throw error;
}

/** Runs a client-node call, translating its errors. */
export async function kubeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKubeApiError(error);
  }
}
