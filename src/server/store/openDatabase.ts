import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

import type { Database } from './database.ts';
import { migrateToLatest } from './migrations.ts';

/** Where the store lives: a SQLite file (one replica) or a PostgreSQL database (several). */
export type OpenDatabaseOptions =
  | {
      /** SQLite file path, created with its folder when missing; `:memory:` for tests. */
      file: string;
      /**
       * Milliseconds a statement waits for another process's write lock before failing with
       * SQLITE_BUSY. Defaults to 5000.
       */
      busyTimeoutMs?: number;
    }
  | {
      /** `postgres://user:password@host:port/database[?sslmode=…]`, as libpq reads it. */
      url: string;
      /** Connections this process keeps at most. Defaults to 10 (pg's default). */
      poolSize?: number;
    };

/**
 * Opens the portal store and brings its schema up to date: SQLite for a `file`, PostgreSQL for a
 * `url`. Migrations run under Kysely's migration lock, so replicas starting together apply each
 * one once.
 *
 * This is the only dialect-specific code of the store. SQLite: WAL journaling (readers never
 * block the writer), `synchronous=NORMAL` (in WAL mode a committed transaction survives a
 * process crash such as `kill -9`; only an OS crash or power loss can lose the last commits),
 * foreign keys on, and a busy timeout. PostgreSQL: a connection pool. Everything else goes
 * through Kysely's query builder, written for both (see database.ts for the conventions).
 * @throws Error when the store cannot be reached or a migration fails
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Kysely<Database>> {
  const db = 'url' in options ? openPostgres(options.url, options.poolSize) : openSqlite(options);
  try {
    await migrateToLatest(db as Kysely<unknown>, 'url' in options ? 'postgres' : 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

function openSqlite(options: { file: string; busyTimeoutMs?: number }): Kysely<Database> {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const sqlite = new SqliteDatabase(options.file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(url: string, poolSize = 10): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server drops (restart, failover) must not crash the process: the
  // pool discards it and the next query opens another.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
