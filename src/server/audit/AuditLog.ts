import type { Kysely, Selectable } from 'kysely';

import type { AuditDetailValue, AuditEntry, AuditResult } from '../../shared/api/auditSchemas.ts';
import type { AuditLogTable, Database } from '../store/database.ts';

/** One fact to record. Optional fields default to null; `at` defaults to now. */
export interface AuditRecord {
  /** Username of who acted, or `anonymous` / `system`. */
  actor: string;
  actorRole?: string | null;
  /** Dotted verb, e.g. `auth.login`, `user.update`, `cluster.create`. */
  action: string;
  /** Kind of target: `user`, `team`, `token`, `session`, `raycluster`, … */
  targetKind: string;
  targetNamespace?: string | null;
  targetName?: string | null;
  result: AuditResult;
  /** HTTP status of the answer. */
  statusCode?: number | null;
  requestId?: string | null;
  sourceIp?: string | null;
  /** Facts about the action (changed field names, reasons). Secret-named keys are scrubbed. */
  details?: Record<string, unknown>;
  at?: Date;
}

/** Filters of {@link AuditLog.query}; all optional, combined with AND. */
export interface AuditLogQuery {
  actor?: string;
  /** Exact action, or a prefix ending in `.*` (`token.*`). */
  action?: string;
  namespace?: string;
  result?: AuditResult;
  /** Inclusive lower bound, ISO 8601 date-time. */
  since?: string;
  /** Exclusive upper bound, ISO 8601 date-time. */
  until?: string;
  /** Page size, 1 to {@link maxAuditPageSize}. Defaults to 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Restricts results for a non-admin: entries in these namespaces or by this actor. Absent
   * means everything (admins).
   */
  visibleTo?: { username: string; namespaces: readonly string[] };
}

/** Largest page {@link AuditLog.query} returns. */
export const maxAuditPageSize = 500;

/** Key names whose values are secrets; {@link AuditLog.record} replaces them in details. */
const secretKeys = new Set([
  'password',
  'newpassword',
  'passwordhash',
  'token',
  'tokenhash',
  'secret',
  'cookie',
  'authorization',
  'csrftoken',
  'apikey',
]);

/**
 * The audit trail. `record()` writes one row and resolves once it is committed; callers await it
 * before answering, so an answered mutation is on disk (WAL) and survives `kill -9`. There is no
 * buffering to lose. Entries are never deleted; the only update is a `pending` entry (written
 * by `begin()` before a Kubernetes call) getting its outcome (`resolve()`).
 */
export class AuditLog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Appends one entry and waits for the commit. */
  async record(entry: AuditRecord): Promise<void> {
    await this.#db
      .insertInto('audit_log')
      .values({
        at: (entry.at ?? new Date()).toISOString(),
        actor: entry.actor,
        actor_role: entry.actorRole ?? null,
        action: entry.action,
        target_kind: entry.targetKind,
        target_namespace: entry.targetNamespace ?? null,
        target_name: entry.targetName ?? null,
        result: entry.result,
        status_code: entry.statusCode ?? null,
        request_id: entry.requestId ?? null,
        source_ip: entry.sourceIp ?? null,
        details: JSON.stringify(scrubSecrets(entry.details ?? {})),
      })
      .execute();
  }

  /**
   * Records an action as `pending` before it is attempted (e.g. before the Kubernetes call) and
   * returns the entry's id for {@link resolve}. A crash in between leaves the entry pending, for
   * startup to reconcile, instead of leaving no trace of a change that may have happened.
   */
  async begin(entry: Omit<AuditRecord, 'result'>): Promise<number> {
    const row = await this.#db
      .insertInto('audit_log')
      .values({
        at: (entry.at ?? new Date()).toISOString(),
        actor: entry.actor,
        actor_role: entry.actorRole ?? null,
        action: entry.action,
        target_kind: entry.targetKind,
        target_namespace: entry.targetNamespace ?? null,
        target_name: entry.targetName ?? null,
        result: 'pending',
        status_code: entry.statusCode ?? null,
        request_id: entry.requestId ?? null,
        source_ip: entry.sourceIp ?? null,
        details: JSON.stringify(scrubSecrets(entry.details ?? {})),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /**
   * Sets the outcome of an entry written by {@link begin}; `details` replace the stored ones
   * (pass the begin details plus what was learnt). Waits for the commit.
   */
  async resolve(
    id: number,
    outcome: {
      result: Exclude<AuditResult, 'pending'>;
      statusCode?: number | null;
      details: Record<string, unknown>;
    },
  ): Promise<void> {
    await this.#db
      .updateTable('audit_log')
      .set({
        result: outcome.result,
        status_code: outcome.statusCode ?? null,
        details: JSON.stringify(scrubSecrets(outcome.details)),
      })
      .where('id', '=', id)
      .where('result', '=', 'pending')
      .execute();
  }

  /**
   * Every entry still `pending` recorded before `before`, oldest first (startup reconciles those
   * of the previous run, not the mutations this run is doing).
   */
  async pending(before: Date): Promise<AuditEntry[]> {
    const rows = await this.#db
      .selectFrom('audit_log')
      .selectAll()
      .where('result', '=', 'pending')
      .where('at', '<', before.toISOString())
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toEntry);
  }

  /** A page of entries, newest first, and the cursor of the next page (null on the last). */
  async query(
    filters: AuditLogQuery = {},
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(Math.trunc(filters.limit ?? 100), 1), maxAuditPageSize);
    let query = this.#db.selectFrom('audit_log').selectAll();
    if (filters.actor !== undefined) query = query.where('actor', '=', filters.actor);
    if (filters.action !== undefined) {
      if (filters.action.endsWith('.*')) {
        // Prefix match as a range ('.' + 1 is '/'), portable and index-friendly unlike LIKE.
        const prefix = filters.action.slice(0, -1);
        query = query.where('action', '>=', prefix).where('action', '<', `${prefix.slice(0, -1)}/`);
      } else {
        query = query.where('action', '=', filters.action);
      }
    }
    if (filters.namespace !== undefined) {
      query = query.where('target_namespace', '=', filters.namespace);
    }
    if (filters.result !== undefined) query = query.where('result', '=', filters.result);
    if (filters.since !== undefined) query = query.where('at', '>=', isoInstant(filters.since));
    if (filters.until !== undefined) query = query.where('at', '<', isoInstant(filters.until));
    if (filters.cursor !== undefined) query = query.where('id', '<', cursorId(filters.cursor));
    const visibleTo = filters.visibleTo;
    if (visibleTo) {
      query = query.where((eb) =>
        visibleTo.namespaces.length > 0
          ? eb.or([
              eb('actor', '=', visibleTo.username),
              eb('target_namespace', 'in', [...visibleTo.namespaces]),
            ])
          : eb('actor', '=', visibleTo.username),
      );
    }
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toEntry),
      nextCursor: rows.length > limit && last ? String(last.id) : null,
    };
  }
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    actorRole: row.actor_role,
    action: row.action,
    targetKind: row.target_kind,
    targetNamespace: row.target_namespace,
    targetName: row.target_name,
    result: row.result,
    statusCode: row.status_code,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    details: parseDetails(row.details),
  };
}

/** Stored details as the API shows them: values deeper than `AuditDetailValue` as JSON text. */
function parseDetails(text: string): Record<string, AuditDetailValue> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, detail]) => [
      key,
      isAuditDetailValue(detail) ? detail : JSON.stringify(detail),
    ]),
  );
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isAuditDetailValue(value: unknown): value is AuditDetailValue {
  if (isScalar(value)) return true;
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string');
  return typeof value === 'object' && Object.values(value).every(isScalar);
}

/** Copies `value` with the values of secret-named keys replaced, at any depth. */
function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        secretKeys.has(key.toLowerCase()) ? '[redacted]' : scrubSecrets(inner),
      ]),
    );
  }
  return value;
}

/** Normalises a date-time to the stored form (`toISOString`), so text comparison is time order. */
function isoInstant(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`not a date-time: ${value}`);
  return new Date(time).toISOString();
}

function cursorId(cursor: string): number {
  if (!/^\d{1,18}$/.test(cursor)) throw new RangeError(`not an audit cursor: ${cursor}`);
  return Number(cursor);
}
