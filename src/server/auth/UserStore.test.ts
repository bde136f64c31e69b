import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type StoreBackend, storeBackends } from '../../../test/support/storeBackends.ts';
import type { Database } from '../store/database.ts';
import { migrateToLatest, storeMigrations } from '../store/migrations.ts';
import { TeamStore } from './TeamStore.ts';
import { UserStore } from './UserStore.ts';

let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

const newUser = (username: string) =>
  ({ username, displayName: username, passwordHash: null, role: 'member' }) as const;
let backend: StoreBackend;

describe.each(storeBackends())('on $name', (each) => {
  beforeAll(() => {
    backend = each;
  });

  describe('UserStore: usernames are unique regardless of case', () => {
    it('refuses a second user whose name differs only in case, and finds users in any case', async () => {
      db = await backend.open();
      const users = new UserStore(db);
      const alice = await users.create(newUser('alice'));
      expect(alice).toBeDefined();
      expect(await users.create(newUser('Alice'))).toBeUndefined();
      expect(await users.create(newUser('ALICE'))).toBeUndefined();
      expect((await users.findByUsername('AlIcE'))?.id).toBe(alice?.id);
      expect(await users.count()).toBe(1);
    });

    it('sets team members by name in any case', async () => {
      db = await backend.open();
      const users = new UserStore(db);
      const teams = new TeamStore(db);
      await users.create(newUser('gus'));
      await teams.create({ name: 'team-a', displayName: 'A', description: '' });
      const outcome = await teams.setMembers('team-a', ['GUS', 'ghost']);
      expect(outcome).toEqual({ kind: 'unknownUsers', usernames: ['ghost'] });
      const ok = await teams.setMembers('team-a', ['Gus']);
      expect(ok.kind === 'ok' ? ok.team.members : []).toEqual(['gus']);
    });

    it('stops the upgrade with the clashing names when a store already holds such users', async () => {
      const raw = new Kysely<Database>({
        dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
      });
      db = raw;
      const before: Record<string, Migration> = Object.fromEntries(
        Object.entries(storeMigrations('sqlite')).filter(([name]) => name < '0003'),
      );
      await new Migrator({
        db: raw,
        provider: { getMigrations: () => Promise.resolve(before) },
      }).migrateToLatest();
      const row = { display_name: 'x', password_hash: null, role: 'member', disabled: 0 } as const;
      await raw
        .insertInto('users')
        .values([
          { ...row, id: '1', username: 'bob', created_at: '2026-01-01T00:00:00.000Z' },
          { ...row, id: '2', username: 'Bob', created_at: '2026-01-02T00:00:00.000Z' },
        ])
        .execute();
      await expect(migrateToLatest(raw as Kysely<unknown>, 'sqlite')).rejects.toThrow(
        /0003_usernames_case_insensitive.*differ only in case exist \(bob\)/,
      );
    });
  });
});
