import { type Static, Type } from 'typebox';

import { TeamName } from './adminSchemas.ts';

/**
 * The outcome of an audited action: `success`; `failure` (attempted and failed, e.g. a wrong
 * password or a Kubernetes error); `denied` (refused by authorization or CSRF checks);
 * `pending` (recorded before the Kubernetes call, outcome not known yet; startup reconciles
 * entries a crash left pending).
 */
export const AuditResult = Type.Union([
  Type.Literal('success'),
  Type.Literal('failure'),
  Type.Literal('denied'),
  Type.Literal('pending'),
]);
export type AuditResult = Static<typeof AuditResult>;

/** A plain value in audit details. */
const AuditScalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/**
 * One value of an entry's `details`: a scalar, a list of names (e.g. `changed`, `added`), or one
 * level of named scalars (e.g. `role: { from, to }`). Anything deeper is stored as its JSON text.
 */
export const AuditDetailValue = Type.Union([
  AuditScalar,
  Type.Array(Type.String()),
  Type.Record(Type.String(), AuditScalar),
]);
export type AuditDetailValue = Static<typeof AuditDetailValue>;

/** One audit log entry. Details never hold secrets (passwords, tokens, cookies). */
export const AuditEntry = Type.Object(
  {
    /** Increasing id; newer entries have larger ids. */
    id: Type.Integer(),
    /** ISO 8601 UTC timestamp of the action. */
    at: Type.String(),
    /** Username of who acted, or `anonymous` / `system`. */
    actor: Type.String(),
    /** The actor's role at the time, null for anonymous and system actions. */
    actorRole: Type.Union([Type.String(), Type.Null()]),
    /** Dotted verb such as `auth.login`, `token.create`, `cluster.delete`. */
    action: Type.String(),
    /** What was acted on: `user`, `team`, `token`, `session`, `raycluster`, … */
    targetKind: Type.String(),
    /** The Kubernetes namespace (team) of the target, null when not namespaced. */
    targetNamespace: Type.Union([Type.String(), Type.Null()]),
    targetName: Type.Union([Type.String(), Type.Null()]),
    result: AuditResult,
    /** HTTP status of the answer, null when not from a request. */
    statusCode: Type.Union([Type.Integer(), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    sourceIp: Type.Union([Type.String(), Type.Null()]),
    /** Action-specific facts (changed field names, reasons), never secret values. */
    details: Type.Record(Type.String(), AuditDetailValue),
  },
  { additionalProperties: false },
);
export type AuditEntry = Static<typeof AuditEntry>;

/** Query string of `GET /api/v1/audit`; filters combine with AND. */
export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    namespace: Type.Optional(TeamName),
    result: Type.Optional(AuditResult),
    /** Inclusive lower bound, ISO 8601 date-time. */
    since: Type.Optional(Type.String({ format: 'date-time' })),
    /** Exclusive upper bound, ISO 8601 date-time. */
    until: Type.Optional(Type.String({ format: 'date-time' })),
    /** Page size, 1 to 500; defaults to 100. */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    /** `nextCursor` of the previous page. */
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  },
  { $id: 'AuditQuery', additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

/** Body of `GET /api/v1/audit`: newest first; `nextCursor` is null on the last page. */
export const AuditPage = Type.Object(
  {
    items: Type.Array(AuditEntry),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditPage', additionalProperties: false },
);
export type AuditPage = Static<typeof AuditPage>;
