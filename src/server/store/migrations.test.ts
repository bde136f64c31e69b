import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

import type { Database } from './database.ts';
import { storeMigrations } from './migrations.ts';

let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

const row = (result: string) => ({
  at: '2026-01-01T00:00:00.000Z',
  actor: 'ana',
  actor_role: 'admin',
  action: 'cluster.create',
  target_kind: 'raycluster',
  target_namespace: 'team-a',
  target_name: 'c1',
  result: result as 'success',
  status_code: 201,
  request_id: 'req-1',
  source_ip: '127.0.0.1',
  details: '{"a":1}',
});

describe('migration 0002_audit_pending', () => {
  it('keeps every audit row and id, and allows pending but still no other result', async () => {
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    });
    const migrations = storeMigrations('sqlite');
    await migrations['0001_initial']?.up(db as Kysely<unknown>);
    await db
      .insertInto('audit_log')
      .values([row('success'), row('denied')])
      .execute();
    await expect(db.insertInto('audit_log').values(row('pending')).execute()).rejects.toThrow(
      /CHECK/,
    );

    await migrations['0002_audit_pending']?.up(db as Kysely<unknown>);
    const kept = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(kept).toEqual([
      { id: 1, ...row('success') },
      { id: 2, ...row('denied') },
    ]);
    await db.insertInto('audit_log').values(row('pending')).execute();
    await expect(db.insertInto('audit_log').values(row('maybe')).execute()).rejects.toThrow(
      /CHECK/,
    );
    const ids = await db.selectFrom('audit_log').select('id').orderBy('id').execute();
    expect(ids.map((entry) => entry.id)).toEqual([1, 2, 3]);
  });
});
