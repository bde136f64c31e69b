import type { Kysely } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type StoreBackend, storeBackends } from '../../../test/support/storeBackends.ts';
import type { Database } from '../store/database.ts';
import { sha256Hex } from './randomSecret.ts';
import { SessionStore } from './SessionStore.ts';

let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

function requireDb(): Kysely<Database> {
  if (!db) throw new Error('no database open');
  return db;
}

async function setup(now: () => Date) {
  db = await backend.open();
  await db
    .insertInto('users')
    .values({
      id: 'u1',
      username: 'ana',
      display_name: 'Ana',
      password_hash: null,
      role: 'member',
      disabled: 0,
      created_at: now().toISOString(),
    })
    .execute();
  return new SessionStore(db, { ttlSeconds: 3600, touchIntervalSeconds: 60, now });
}
let backend: StoreBackend;

describe.each(storeBackends())('on $name', (each) => {
  beforeAll(() => {
    backend = each;
  });

  describe('SessionStore', () => {
    it('stores only the SHA-256 of the cookie token', async () => {
      const sessions = await setup(() => new Date('2026-12-01T09:00:00Z'));
      const session = await sessions.create('u1');
      const rows = await requireDb().selectFrom('sessions').selectAll().execute();
      expect(rows).toMatchObject([{ id: sha256Hex(session.token), user_id: 'u1' }]);
      expect(JSON.stringify(rows)).not.toContain(session.token);
    });

    it('slides the expiry forward on use, at most once per touch interval', async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const sessions = await setup(() => now);
      const { token } = await sessions.create('u1');
      now = new Date('2026-01-01T00:00:30Z');
      expect(await sessions.resolve(token)).toMatchObject({
        touched: false,
        session: { expiresAt: '2026-01-01T01:00:00.000Z' },
      });
      now = new Date('2026-01-01T00:50:00Z');
      expect(await sessions.resolve(token)).toMatchObject({
        touched: true,
        session: { expiresAt: '2026-01-01T01:50:00.000Z' },
      });
      now = new Date('2026-01-01T01:40:00Z');
      expect(await sessions.resolve(token)).not.toBeNull();
      now = new Date('2026-01-01T02:40:00Z');
      expect(await sessions.resolve(token)).toBeNull();
    });

    it('ends one session, or all of a user, and drops expired ones on create', async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const sessions = await setup(() => now);
      const a = await sessions.create('u1');
      const b = await sessions.create('u1');
      await sessions.delete(a.id);
      expect(await sessions.resolve(a.token)).toBeNull();
      expect(await sessions.resolve(b.token)).not.toBeNull();
      await sessions.deleteForUser('u1');
      expect(await sessions.resolve(b.token)).toBeNull();
      await sessions.create('u1');
      now = new Date('2026-01-02T00:00:00Z');
      await sessions.create('u1');
      expect(await requireDb().selectFrom('sessions').selectAll().execute()).toHaveLength(1);
    });
  });
});
