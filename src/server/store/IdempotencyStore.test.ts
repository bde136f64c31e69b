import type { Kysely } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type StoreBackend, storeBackends } from '../../../test/support/storeBackends.ts';
import type { Database } from './database.ts';
import { idempotencyError, idempotencyRequestHash, IdempotencyStore } from './IdempotencyStore.ts';

let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

async function store(now?: () => Date) {
  db = await backend.open();
  for (const id of ['u1', 'u2']) {
    await db
      .insertInto('users')
      .values({
        id,
        username: id,
        display_name: id,
        password_hash: null,
        role: 'member',
        disabled: 0,
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
  }
  // A fixed clock unless the test moves one: no test reads the real date.
  return new IdempotencyStore(db, {
    ttlSeconds: 3600,
    now: now ?? (() => new Date('2026-01-01T00:00:00Z')),
  });
}

const path = '/api/v1/namespaces/team-a/clusters';
const hash = idempotencyRequestHash('POST', path, { name: 'c1', workers: 2 });
let backend: StoreBackend;

describe.each(storeBackends())('on $name', (each) => {
  beforeAll(() => {
    backend = each;
  });

  describe('IdempotencyStore', () => {
    it('reserves a new key, then replays the stored answer to a retry', async () => {
      const keys = await store();
      expect(await keys.begin('u1', 'k1', 'POST', path, hash)).toEqual({ kind: 'reserved' });
      await keys.complete('u1', 'k1', 201, { name: 'c1' });
      expect(await keys.begin('u1', 'k1', 'POST', path, hash)).toEqual({
        kind: 'replay',
        statusCode: 201,
        body: { name: 'c1' },
      });
    });

    it('refuses the same key for a different request (422 IdempotencyKeyReused)', async () => {
      const keys = await store();
      await keys.begin('u1', 'k1', 'POST', path, hash);
      await keys.complete('u1', 'k1', 201, {});
      const other = idempotencyRequestHash('POST', path, { name: 'c2', workers: 2 });
      const outcome = await keys.begin('u1', 'k1', 'POST', path, other);
      expect(outcome).toEqual({ kind: 'conflict' });
      expect(idempotencyError(outcome)).toMatchObject({
        status: 422,
        reason: 'IdempotencyKeyReused',
      });
      expect(await keys.begin('u1', 'k1', 'POST', '/api/v1/other', hash)).toEqual({
        kind: 'conflict',
      });
    });

    it('lets exactly one of two concurrent first attempts run; the other is told in progress (409)', async () => {
      const keys = await store();
      const outcomes = await Promise.all([
        keys.begin('u1', 'k1', 'POST', path, hash),
        keys.begin('u1', 'k1', 'POST', path, hash),
        keys.begin('u1', 'k1', 'POST', path, hash),
      ]);
      expect(outcomes.filter((outcome) => outcome.kind === 'reserved')).toHaveLength(1);
      const waiting = outcomes.filter((outcome) => outcome.kind === 'inProgress');
      expect(waiting).toHaveLength(2);
      for (const outcome of waiting) {
        expect(idempotencyError(outcome)).toMatchObject({
          status: 409,
          reason: 'IdempotencyKeyInProgress',
        });
      }
    });

    it('keeps keys per user', async () => {
      const keys = await store();
      expect((await keys.begin('u1', 'k1', 'POST', path, hash)).kind).toBe('reserved');
      expect((await keys.begin('u2', 'k1', 'POST', path, hash)).kind).toBe('reserved');
    });

    it('frees a released reservation for a real retry, but never a completed one', async () => {
      const keys = await store();
      await keys.begin('u1', 'k1', 'POST', path, hash);
      await keys.release('u1', 'k1');
      expect((await keys.begin('u1', 'k1', 'POST', path, hash)).kind).toBe('reserved');
      await keys.complete('u1', 'k1', 201, { ok: true });
      await keys.release('u1', 'k1');
      expect((await keys.begin('u1', 'k1', 'POST', path, hash)).kind).toBe('replay');
    });

    it('forgets keys after the TTL', async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const keys = await store(() => now);
      await keys.begin('u1', 'k1', 'POST', path, hash);
      await keys.complete('u1', 'k1', 201, {});
      await keys.begin('u1', 'k2', 'POST', path, hash);
      now = new Date('2026-01-01T01:00:01Z');
      expect((await keys.begin('u1', 'k1', 'POST', path, hash)).kind).toBe('reserved');
      expect(await keys.purgeExpired()).toBe(1);
    });

    it('hashes requests by method, path and canonical body', () => {
      expect(idempotencyRequestHash('post', path, { b: 1, a: { d: 2, c: 3 } })).toBe(
        idempotencyRequestHash('POST', path, { a: { c: 3, d: 2 }, b: 1 }),
      );
      expect(idempotencyRequestHash('POST', path, [1, 2])).not.toBe(
        idempotencyRequestHash('POST', path, [2, 1]),
      );
      expect(idempotencyRequestHash('POST', path, {})).not.toBe(
        idempotencyRequestHash('PUT', path, {}),
      );
    });
  });
});
