/**
 * Kubernetes `Status` failures. Every error the sandbox API server returns is one of these, with
 * the reason and code a real API server uses, so kubectl and client-node print and branch on them
 * exactly as they do against a real cluster.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-errors
 */

/** One cause of an `Invalid` status, naming the field (`spec.workerGroupSpecs[0].replicas`). */
export interface StatusCauseBody {
  reason: string;
  message: string;
  field: string;
}

/** Wire shape of `metav1.Status`. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    /** `field` is omitted when a cause names none (`ResourceVersionTooLarge`). */
    causes?: (StatusCauseBody | Omit<StatusCauseBody, 'field'>)[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** Identifies the object an error is about, as `details` does. */
export interface StatusTarget {
  group: string;
  /** Plural resource name, e.g. `rayclusters`; Kubernetes puts it in `details.kind`. */
  resource: string;
  name?: string;
}

/** A failed API request; `toBody()` is the Status the client receives. */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusBody['details'];

  constructor(code: number, reason: string, message: string, details?: StatusBody['details']) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toBody(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `rayclusters.ray.io` or, for the core group, just `pods`. */
export function qualifiedResource(target: StatusTarget): string {
  return target.group ? `${target.resource}.${target.group}` : target.resource;
}

function detailsOf(target: StatusTarget): NonNullable<StatusBody['details']> {
  return {
    ...(target.name !== undefined ? { name: target.name } : {}),
    group: target.group,
    kind: target.resource,
  };
}

/** 404 `pods "x" not found`. */
export function notFound(target: StatusTarget): StatusError {
  return new StatusError(
    404,
    'NotFound',
    `${qualifiedResource(target)} "${target.name ?? ''}" not found`,
    detailsOf(target),
  );
}

/** 409 `pods "x" already exists`. */
export function alreadyExists(target: StatusTarget): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${qualifiedResource(target)} "${target.name ?? ''}" already exists`,
    detailsOf(target),
  );
}

/** 409 on a stale resourceVersion or failed precondition. */
export function conflict(target: StatusTarget, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(target)} "${target.name ?? ''}": ${why}`,
    detailsOf(target),
  );
}

/** The stale-write message kubectl and controllers retry on. */
export const staleObjectMessage =
  'the object has been modified; please apply your changes to the latest version and try again';

/**
 * 422 `RayCluster.ray.io "x" is invalid: [field: message, ...]`. Kubernetes names the Kind here
 * (not the resource), and lists causes in brackets only when there is more than one.
 */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: readonly StatusCauseBody[],
): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const texts = causes.map((cause) =>
    cause.field ? `${cause.field}: ${cause.message}` : cause.message,
  );
  const list = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${list}`, {
    name,
    group,
    kind,
    causes: [...causes],
  });
}

/** 400 for malformed requests (bad JSON or YAML, bad selectors, bad query parameters). */
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/** 403 with Kubernetes' wording for the given verb and resource. */
export function forbidden(target: StatusTarget, message: string): StatusError {
  return new StatusError(403, 'Forbidden', message, detailsOf(target));
}

/** 405 for a verb the resource does not support. */
export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

/** 410 Expired: the resourceVersion is older than the retained event window. */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** 401 for a request without the configured bearer token. */
export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** 503 for the service proxy when nothing can answer. */
export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message);
}

/** 415 for content types a resource cannot take (e.g. strategic merge patch on a custom resource). */
export function unsupportedMediaType(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message);
}
