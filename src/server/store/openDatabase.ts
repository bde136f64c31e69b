import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

import type { Database } from './database.ts';
import { migrateToLatest } from './migrations.ts';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** SQLite file path, created with its folder when missing; `:memory:` for tests. */
  file: string;
  /**
   * Milliseconds a statement waits for another process's write lock before failing with
   * SQLITE_BUSY. Defaults to 5000.
   */
  busyTimeoutMs?: number;
}

/**
 * Opens the portal store on SQLite and brings its schema up to date.
 *
 * This is the only SQLite-specific code of the store: WAL journaling (readers never block the
 * writer), `synchronous=NORMAL` (in WAL mode a committed transaction survives a process crash
 * such as `kill -9`; only an OS crash or power loss can lose the last commits), foreign keys on,
 * and a busy timeout. Everything else goes through Kysely's query builder so that a PostgreSQL
 * dialect can be added for several replicas.
 * @throws Error when the file cannot be opened or a migration fails
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Kysely<Database>> {
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
