import type { Kysely } from 'kysely';
import { afterAll, inject } from 'vitest';

import type { Database } from '../../src/server/store/database.ts';
import { openDatabase } from '../../src/server/store/openDatabase.ts';
import { createTestDatabase } from './startPostgres.ts';

/** One dialect the store runs on, with a way to open a fresh, migrated, empty store. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** A new empty store (SQLite in memory; a new PostgreSQL database, dropped after the file). */
  open: () => Promise<Kysely<Database>>;
}

/**
 * The store's dialects for `describe.each(storeBackends())`: SQLite always, PostgreSQL on the
 * server the node project's global setup starts (test/support/ensureNodeTestPackages.ts). Without
 * that server the PostgreSQL runs are left out with a message — except under CI, where opening
 * fails so a missing server cannot pass as green.
 */
export function storeBackends(): StoreBackend[] {
  // The tests destroy what they open; a database left connected is dropped all the same.
  const dropped: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(dropped.splice(0).map((drop) => drop()));
  });
  const sqlite: StoreBackend = { name: 'sqlite', open: () => openDatabase({ file: ':memory:' }) };
  const serverUrl = inject('postgresUrl');
  if (!serverUrl && !process.env['CI']) {
    process.stderr.write('PostgreSQL is not available here: store tests run on SQLite only.\n');
    return [sqlite];
  }
  const postgres: StoreBackend = {
    name: 'postgres',
    open: async () => {
      if (!serverUrl) throw new Error('PostgreSQL did not start (see the global setup output)');
      const database = await createTestDatabase(serverUrl);
      dropped.push(database.drop);
      return openDatabase({ url: database.url, poolSize: 4 });
    },
  };
  return [sqlite, postgres];
}
