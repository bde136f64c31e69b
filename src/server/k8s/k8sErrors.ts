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

/**
 * Property `key` of a thrown value or parsed JSON, whatever it is: `undefined` unless `value` is
 * an object that has it (errors are `unknown`, and a body may be any JSON).
 */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

/** Property `key` of `value` when it is a string (see {@link fieldOf}). */
function stringFieldOf(value: unknown, key: string): string | undefined {
  const field = fieldOf(value, key);
  return typeof field === 'string' ? field : undefined;
}

/**
 * The {@link KubeApiError} of a non-2xx answer: its `Status` body's reason, message and field
 * causes, or the bare HTTP code when the body is not a `Status` (a proxy's HTML page, say).
 */
export function kubeApiErrorOfResponse(status: number, body: unknown): KubeApiError {
  let parsed: unknown;
  try {
    parsed = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    parsed = undefined;
  }
  const causes = fieldOf(fieldOf(parsed, 'details'), 'causes');
  return new KubeApiError(
    status,
    stringFieldOf(parsed, 'reason') ?? reasonOfStatus[status] ?? 'Unknown',
    stringFieldOf(parsed, 'message') ?? `Kubernetes API answered ${status}`,
    (Array.isArray(causes) ? causes : []).map((cause: unknown) => ({
      field: stringFieldOf(cause, 'field') ?? '',
      message: stringFieldOf(cause, 'message') ?? '',
    })),
  );
}

/** Status reasons of bodies that carry none, by HTTP code (as client-go's `reasonForError`). */
const reasonOfStatus: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** Socket error codes that mean the API server could not be reached (answered as 503). */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Converts any error of a client-node call into a {@link KubeApiError} (or rethrows it). */
export function toKubeApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) return kubeApiErrorOfResponse(error.code, error.body);
  const code = fieldOf(error, 'code');
  if (typeof code === 'string' && unreachableCodes.has(code)) {
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
