import { createHash } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { ApiErrorInput } from '../sendApiError.ts';
import type { Database } from './database.ts';

/** Header carrying the client's idempotency key (IETF draft-ietf-httpapi-idempotency-key-header). */
export const idempotencyKeyHeader = 'idempotency-key';

/** A usable key: 1 to 255 visible ASCII characters (a UUID is typical). */
export const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/** What {@link IdempotencyStore.begin} decided. */
export type IdempotencyBegin =
  /** First time: handle the request, then call `complete` (or `release` on an error). */
  | { kind: 'reserved' }
  /** Seen and finished: send this answer again, do nothing else. */
  | { kind: 'replay'; statusCode: number; body: unknown }
  /** The key was used for a different request: 422 `IdempotencyKeyReused`. */
  | { kind: 'conflict' }
  /** The first request with this key is still running: 409 `IdempotencyKeyInProgress`. */
  | { kind: 'inProgress' };

/** Options of {@link IdempotencyStore}. */
export interface IdempotencyStoreOptions {
  /** Seconds a key is remembered. Defaults to 24 h. */
  ttlSeconds?: number;
  /** Clock, injected by tests. */
  now?: () => Date;
}

/**
 * Makes retried creates safe: a request sent again with the same `Idempotency-Key` by the same
 * user gets the first answer instead of doing the work twice. Keys live in the store, so this
 * holds across restarts and replicas; the (user_id, key) primary key makes two concurrent
 * first attempts safe (exactly one is `reserved`, the other sees `inProgress`).
 */
export class IdempotencyStore {
  readonly #db: Kysely<Database>;
  readonly #ttlMs: number;
  readonly #now: () => Date;

  constructor(db: Kysely<Database>, options: IdempotencyStoreOptions = {}) {
    this.#db = db;
    this.#ttlMs = (options.ttlSeconds ?? 24 * 60 * 60) * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Reserves `key` for this request, or says how an earlier use of it decides this one.
   * `requestHash` should come from {@link idempotencyRequestHash}.
   */
  async begin(
    userId: string,
    key: string,
    method: string,
    path: string,
    requestHash: string,
  ): Promise<IdempotencyBegin> {
    const now = this.#now();
    const expiredBefore = new Date(now.getTime() - this.#ttlMs).toISOString();
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('created_at', '<', expiredBefore)
      .execute();
    const inserted = await this.#db
      .insertInto('idempotency_keys')
      .values({
        user_id: userId,
        key,
        method,
        path,
        request_hash: requestHash,
        status_code: null,
        response_body: null,
        created_at: now.toISOString(),
      })
      .onConflict((conflict) => conflict.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: 'reserved' };

    const row = await this.#db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst();
    // Released between our insert and select: the caller may simply retry.
    if (!row) return { kind: 'inProgress' };
    if (row.request_hash !== requestHash || row.method !== method || row.path !== path) {
      return { kind: 'conflict' };
    }
    if (row.status_code === null) return { kind: 'inProgress' };
    return {
      kind: 'replay',
      statusCode: row.status_code,
      body: row.response_body === null ? undefined : JSON.parse(row.response_body),
    };
  }

  /** Stores the answer of a reserved request, to be replayed to retries. */
  async complete(userId: string, key: string, statusCode: number, body: unknown): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({
        status_code: statusCode,
        response_body: body === undefined ? null : JSON.stringify(body),
      })
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .execute();
  }

  /**
   * Forgets a reservation whose request failed without an answer worth repeating (a 5xx or a
   * crash path), so the client's retry runs for real.
   */
  async release(userId: string, key: string): Promise<void> {
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .execute();
  }

  /**
   * Every reservation without an answer yet made before `before`, oldest first (startup
   * reconciles those of the previous run, not the requests this run is handling).
   */
  async inProgress(
    before: Date,
  ): Promise<{ userId: string; key: string; method: string; path: string }[]> {
    const rows = await this.#db
      .selectFrom('idempotency_keys')
      .select(['user_id', 'key', 'method', 'path'])
      .where('status_code', 'is', null)
      .where('created_at', '<', before.toISOString())
      .orderBy('created_at', 'asc')
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      key: row.key,
      method: row.method,
      path: row.path,
    }));
  }

  /** Deletes keys older than the TTL; returns how many. Call now and then (e.g. hourly). */
  async purgeExpired(): Promise<number> {
    const expiredBefore = new Date(this.#now().getTime() - this.#ttlMs).toISOString();
    const result = await this.#db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', expiredBefore)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/**
 * What a created object carries to prove which keyed request made it: hex SHA-256 of user id and
 * key, so the raw key (which clients may treat as a secret) never leaves the store.
 */
export function idempotencyKeyDigest(userId: string, key: string): string {
  return createHash('sha256').update(`raydeck-idempotency-key\n${userId}\n${key}`).digest('hex');
}

/**
 * Fingerprint of a request for {@link IdempotencyStore.begin}: SHA-256 of method, path and the
 * body as canonical JSON (object keys sorted), so key order does not make two requests differ.
 */
export function idempotencyRequestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

/** The API error for an outcome that must not run the request, or undefined to go ahead. */
export function idempotencyError(outcome: IdempotencyBegin): ApiErrorInput | undefined {
  if (outcome.kind === 'conflict') {
    return {
      status: 422,
      reason: 'IdempotencyKeyReused',
      message: 'This Idempotency-Key was already used for a different request.',
    };
  }
  if (outcome.kind === 'inProgress') {
    return {
      status: 409,
      reason: 'IdempotencyKeyInProgress',
      message: 'A request with this Idempotency-Key is still being processed; retry shortly.',
    };
  }
  return undefined;
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
