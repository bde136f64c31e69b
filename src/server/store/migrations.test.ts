import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, sql, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

import type { Database } from './database.ts';
import { migrateToLatest, storeMigrations } from './migrations.ts';

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

describe('migrations numbered below an applied one', () => {
  it('apply on a store that already has 0007_identity (0006_usage came later)', async () => {
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    });
    const all = storeMigrations('sqlite');
    const shipped = Object.fromEntries(
      Object.entries(all).filter(([name]) => name !== '0006_usage'),
    );
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => shipped },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    expect(applied.rows.map((row) => row.name)).toContain('0006_usage');
    await db
      .insertInto('gpu_usage')
      .values({
        pod_uid: 'u1',
        namespace: 'team-a',
        pod: 'p',
        cluster: 'c',
        owner: 'ana',
        template: 't',
        gpu_product: 'A100',
        gpus: 1,
        started_at: '2026-01-01T00:00:00.000Z',
        ended_at: null,
        last_seen_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    expect(await db.selectFrom('gpu_usage').select('pod_uid').execute()).toEqual([
      { pod_uid: 'u1' },
    ]);
  });
});
