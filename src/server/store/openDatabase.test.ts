import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, inject, it } from 'vitest';

import { createTestDatabase } from '../../../test/support/startPostgres.ts';
import type { Database } from './database.ts';
import { storeMigrations } from './migrations.ts';
import { openDatabase } from './openDatabase.ts';

const opened: Kysely<Database>[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

async function open(file: string) {
  const db = await openDatabase({ file });
  opened.push(db);
  return db;
}

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'raydeck-store-')), 'data', 'raydeck.db');

async function pragma(db: Kysely<Database>, name: string): Promise<unknown> {
  const { rows } = await sql<
    Record<string, unknown>
  >`select * from ${sql.raw(`pragma_${name}`)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

describe('openDatabase', () => {
  it('opens a file in WAL mode with synchronous=NORMAL, foreign keys and a busy timeout', async () => {
    const db = await open(tempFile());
    expect(await pragma(db, 'journal_mode')).toBe('wal');
    expect(await pragma(db, 'synchronous')).toBe(1);
    expect(await pragma(db, 'foreign_keys')).toBe(1);
    expect(await pragma(db, 'busy_timeout')).toBe(5000);
  });

  it('creates every table, and reopening applies no migration twice', async () => {
    const file = tempFile();
    const first = await open(file);
    const tables = await first.introspection.getTables();
    expect(tables.map((table) => table.name).sort()).toEqual([
      'api_tokens',
      'audit_log',
      'catalog_entries',
      'cluster_idle',
      'gpu_usage',
      'idempotency_keys',
      'job_log_chunks',
      'jobs',
      'sessions',
      'team_members',
      'teams',
      'users',
    ]);
    await first.destroy();
    opened.splice(opened.indexOf(first), 1);
    const second = await open(file);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(second);
    expect(rows.map((row) => row.name)).toEqual(Object.keys(storeMigrations('sqlite')).sort());
  });

  it('keeps rows across close and reopen', async () => {
    const file = tempFile();
    const first = await open(file);
    await first
      .insertInto('teams')
      .values({
        name: 'team-a',
        display_name: 'A',
        description: '',
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    await first.destroy();
    opened.splice(opened.indexOf(first), 1);
    const second = await open(file);
    expect(await second.selectFrom('teams').select('name').execute()).toEqual([{ name: 'team-a' }]);
  });

  it('enforces unique usernames, valid roles and foreign keys', async () => {
    const db = await open(':memory:');
    const user = {
      id: 'u1',
      username: 'ana',
      display_name: 'Ana',
      password_hash: null,
      role: 'member' as const,
      disabled: 0,
      created_at: '2026-01-01T00:00:00.000Z',
    };
    await db.insertInto('users').values(user).execute();
    await expect(
      db
        .insertInto('users')
        .values({ ...user, id: 'u2' })
        .execute(),
    ).rejects.toThrow(/UNIQUE/);
    await expect(
      db
        .insertInto('users')
        .values({ ...user, id: 'u3', username: 'bob', role: 'owner' as 'admin' })
        .execute(),
    ).rejects.toThrow(/CHECK/);
    await expect(
      db.insertInto('team_members').values({ team: 'no-team', user_id: 'u1' }).execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('drops memberships and sessions with their team or user', async () => {
    const db = await open(':memory:');
    const at = '2026-01-01T00:00:00.000Z';
    await db
      .insertInto('users')
      .values({
        id: 'u1',
        username: 'ana',
        display_name: 'Ana',
        password_hash: null,
        role: 'member',
        disabled: 0,
        created_at: at,
      })
      .execute();
    await db
      .insertInto('teams')
      .values({ name: 'team-a', display_name: 'A', description: '', created_at: at })
      .execute();
    await db.insertInto('team_members').values({ team: 'team-a', user_id: 'u1' }).execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's1',
        user_id: 'u1',
        csrf_token: 'c',
        created_at: at,
        expires_at: at,
        last_seen_at: at,
      })
      .execute();
    await db.deleteFrom('teams').execute();
    expect(await db.selectFrom('team_members').selectAll().execute()).toEqual([]);
    await db.deleteFrom('users').execute();
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });
});

describe('openDatabase on PostgreSQL', () => {
  const serverUrl = inject('postgresUrl');
  const tableNames = async (db: Kysely<Database>) =>
    (await db.introspection.getTables()).map((table) => table.name).sort();

  it.skipIf(!serverUrl && !process.env['CI'])(
    'creates the tables SQLite has, and two replicas starting together migrate once',
    async () => {
      const database = await createTestDatabase(serverUrl);
      try {
        const replicas = await Promise.all([
          openDatabase({ url: database.url, poolSize: 2 }),
          openDatabase({ url: database.url, poolSize: 2 }),
        ]);
        opened.push(...replicas);
        const [first] = replicas;
        if (!first) throw new Error('no replica opened');
        expect(await tableNames(first)).toEqual(await tableNames(await open(':memory:')));
        const { rows } = await sql<{
          name: string;
        }>`select name from kysely_migration order by name`.execute(first);
        expect(rows.map((row) => row.name)).toEqual(
          Object.keys(storeMigrations('postgres')).sort(),
        );
      } finally {
        await Promise.all(opened.splice(0).map((db) => db.destroy()));
        await database.drop();
      }
    },
  );

  it('names the server it cannot reach', async () => {
    await expect(
      openDatabase({ url: 'postgres://raydeck@127.0.0.1:9/raydeck', poolSize: 1 }),
    ).rejects.toThrow(/ECONNREFUSED 127\.0\.0\.1:9/);
  });
});
